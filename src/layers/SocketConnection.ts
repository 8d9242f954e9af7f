/**
 * Connections over Effect's own sockets: any `effect/socket/Socket` (a
 * NodeSocket, a WebSocket, a transform stream) becomes a {@link Connection},
 * and any `SocketServer` a {@link Listener}. The bytes go through the same
 * framing as every other medium, so caps and `FrameError`s are identical.
 *
 * The socket is read with its pull (nothing is read while the connection is
 * paused, so backpressure reaches the peer), written with its writer (what
 * is sent in one tick goes out in one `writeAll`), and closed with the scope
 * it was opened in. A message-based socket (a WebSocket) carries the byte
 * stream in messages of any size: frames keep their own length prefix.
 *
 * @since 0.1.0
 */
import { Deferred, Effect, Exit, FiberSet, Queue, Result, Scope } from "effect"
import * as Socket from "effect/socket/Socket"
import type { SocketServer } from "effect/socket/SocketServer"
import type { Connection, Listener } from "../services/Transport.ts"
import { type ByteSink, makeFramedConnection } from "./FramedConnection.ts"

/**
 * How a socket's connection is made.
 *
 * @category models
 * @since 0.1.0
 */
export interface SocketConnectionOptions {
  /** Who is at the other end, for logs and debug info. */
  readonly peer: string
  /** The cap on a frame's payload read from this socket (default 64 MiB). */
  readonly maxFrameSize?: number | undefined
  /** How long a graceful close waits for the peer to take what was written before it closes anyway (default 2 s). */
  readonly lingerMillis?: number | undefined
}

/**
 * A connection and its end: whoever holds the socket (a server's handler)
 * keeps its scope open until `ended`.
 *
 * @category models
 * @since 0.1.0
 */
export interface Accepted {
  readonly connection: Connection
  /** Succeeds once the connection has ended, whichever side ended it. */
  readonly ended: Effect.Effect<void>
}

const defaultLingerMillis = 2_000

// Sockets report every end as an error; these codes are a peer that closed on purpose
// (1005: a WebSocket closed without a status code).
const isCleanClose = (error: Socket.SocketError) =>
  error.reason._tag === "SocketCloseError" && (error.reason.code === 1000 || error.reason.code === 1005)

/**
 * Opens the socket (dialling it, for a client socket) and adapts it, giving
 * the connection and its end. The socket closes when the connection does, or
 * with the scope; closing the scope first closes the connection gracefully.
 *
 * @category constructors
 * @since 0.1.0
 */
export const accept = (
  socket: Socket.Socket,
  options: SocketConnectionOptions
): Effect.Effect<Accepted, Socket.SocketError, Scope.Scope> =>
  Effect.gen(function*() {
    const outer = yield* Effect.scope
    // The socket's reader and writer: closed as soon as the connection ends, before the outer scope.
    const resources = yield* Scope.fork(outer)
    const pull = yield* Scope.provide(Socket.readerBytes(socket), resources)
    const writer = yield* Scope.provide(socket.writer, resources)
    const runFork = yield* FiberSet.makeRuntime<never, void, never>()
    const done = yield* Deferred.make<void>()
    const lingerMillis = options.lingerMillis ?? defaultLingerMillis

    let state: "open" | "ending" | "ended" = "open"
    let pending: Array<Uint8Array> = []
    let wakeWriter: (() => void) | undefined
    let paused = false
    let unpause: (() => void) | undefined
    let lingering: ReturnType<typeof setTimeout> | undefined
    let sink: ByteSink | undefined

    const wakeReader = () => {
      const go = unpause
      unpause = undefined
      go?.()
    }

    // The one place an end is decided, by whichever side comes first.
    const finish = (cause: unknown) =>
      Effect.suspend(() => {
        if (state === "ended") return Effect.void
        state = "ended"
        pending = []
        clearTimeout(lingering)
        wakeWriter?.()
        // The reader is woken to find its pull failed by the close, and stop.
        paused = false
        wakeReader()
        sink!.onEnd(cause)
        return Effect.andThen(Scope.close(resources, Exit.void), Deferred.succeed(done, undefined))
      })

    // Drops what is queued and closes now: for a duplex, a destroy; a WebSocket can only be closed.
    const abort = Effect.suspend(() =>
      state === "ended" ? Effect.void : Effect.andThen(Effect.ignore(writer.write(new Socket.CloseEvent(1000))), finish(undefined))
    )

    const waitUnpaused = Effect.callback<void>((resume) => {
      if (!paused) return resume(Effect.void)
      unpause = () => resume(Effect.void)
    })

    const deliver = (chunks: ReadonlyArray<Uint8Array>): Effect.Effect<void> => {
      // A pull that was under way when the connection paused: its bytes wait for the resume.
      if (paused) return Effect.andThen(waitUnpaused, Effect.suspend(() => deliver(chunks)))
      for (const chunk of chunks) sink!.onData(chunk)
      return paused ? waitUnpaused : Effect.void
    }

    const readLoop = Effect.forever(Effect.flatMap(pull, deliver)).pipe(
      Effect.catch((error) => finish(state !== "open" || isCleanClose(error) ? undefined : error))
    )

    // Resumes with what was queued since the last write, or undefined once nothing more will be written.
    const nextBatch = Effect.callback<ReadonlyArray<Uint8Array> | undefined>((resume) => {
      const take = () => {
        wakeWriter = undefined
        if (state === "ended" || pending.length === 0) return resume(Effect.succeed(undefined))
        const batch = pending
        pending = []
        resume(Effect.succeed(batch))
      }
      if (pending.length > 0 || state !== "open") return take()
      wakeWriter = take
    })

    const writeLoop = Effect.gen(function*() {
      while (true) {
        const batch = yield* nextBatch
        if (batch === undefined) break
        const written = yield* Effect.result(writer.writeAll(batch as [Uint8Array, ...Array<Uint8Array>]))
        if (Result.isFailure(written)) return yield* finish(state === "open" ? written.failure : undefined)
      }
      // Everything queued before the close has been written.
      yield* finish(undefined)
    })

    const framed = makeFramedConnection({
      peer: options.peer,
      write: (chunks) => {
        if (state === "ended") return
        for (const chunk of chunks) pending.push(chunk)
        wakeWriter?.()
      },
      end: () => {
        if (state !== "open") return
        state = "ending"
        wakeWriter?.()
        // A peer that reads nothing never takes what is left: it gets a bounded wait
        // (a timer of its own, so that a test clock does not hold the close).
        lingering = setTimeout(() => runFork(abort), lingerMillis)
      },
      abort: () => {
        runFork(abort)
      },
      pause: () => {
        paused = true
      },
      resume: () => {
        paused = false
        wakeReader()
      }
    }, { maxFrameSize: options.maxFrameSize })
    sink = framed.sink

    yield* Effect.forkIn(readLoop, outer)
    yield* Effect.forkIn(writeLoop, outer)
    // Closing the scope closes the connection gracefully, and waits (a bounded time) for it to end.
    yield* Effect.addFinalizer(() => Effect.andThen(framed.connection.close, Deferred.await(done)))
    return { connection: framed.connection, ended: Deferred.await(done) }
  })

/**
 * Opens the socket (dialling it, for a client socket) as a connection that
 * closes with the scope.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as NodeSocket from "@effect/platform-node/NodeSocket"
 * import * as Socket from "effect/socket/Socket"
 * import { SocketConnection } from "effect-managers"
 *
 * const connection = Effect.gen(function*() {
 *   const socket = yield* Socket.makeWebSocket("ws://127.0.0.1:8080")
 *   return yield* SocketConnection.fromSocket(socket, { peer: "ws://127.0.0.1:8080" })
 * }).pipe(Effect.provide(NodeSocket.layerWebSocketConstructor))
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const fromSocket = (
  socket: Socket.Socket,
  options: SocketConnectionOptions
): Effect.Effect<Connection, Socket.SocketError, Scope.Scope> => Effect.map(accept(socket, options), (a) => a.connection)

/**
 * How a SocketServer's connections are made.
 *
 * @category models
 * @since 0.1.0
 */
export interface ListenerOptions {
  /** The address the listener reports; its accepted connections are `address#1`, `address#2`, … */
  readonly address: string
  /** The cap on a frame's payload read from an accepted connection (default 64 MiB). */
  readonly maxFrameSize?: number | undefined
  /**
   * Turns each accepted socket into a connection (default {@link accept}).
   * It runs in the server's handler, whose context has the server's services
   * for that socket (`NodeSocket.NetSocket`, `Socket.WebSocket`).
   */
  readonly accept?: ((socket: Socket.Socket, peer: string) => Effect.Effect<Accepted, Socket.SocketError, Scope.Scope>) | undefined
}

/**
 * Serves a SocketServer as a Listener, for as long as the scope is open.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import * as NodeSocketServer from "@effect/platform-node/NodeSocketServer"
 * import { SocketConnection } from "effect-managers"
 *
 * const listener = Effect.gen(function*() {
 *   const server = yield* NodeSocketServer.makeWebSocket({ host: "127.0.0.1", port: 0 })
 *   return yield* SocketConnection.fromServer(server, { address: "ws://127.0.0.1" })
 * })
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const fromServer = (
  server: SocketServer["Service"],
  options: ListenerOptions
): Effect.Effect<Listener, never, Scope.Scope> =>
  Effect.gen(function*() {
    const accepted = yield* Queue.unbounded<Connection>()
    const adapt = options.accept ?? ((socket, peer) => accept(socket, { peer, maxFrameSize: options.maxFrameSize }))
    let peers = 0
    yield* Effect.forkScoped(server.run((socket) =>
      Effect.gen(function*() {
        const { connection, ended } = yield* adapt(socket, `${options.address}#${++peers}`)
        yield* Queue.offer(accepted, connection)
        // The connection belongs to whoever accepted it; this handler keeps its socket until it ends.
        yield* ended
      }).pipe(
        // A socket that closed before it could be read has nothing left to serve.
        Effect.catchTag("SocketError", () => Effect.void),
        Effect.scoped
      )
    ))
    const listener: Listener = { address: options.address, accept: Queue.take(accepted).pipe(Effect.orDie) }
    return listener
  })
