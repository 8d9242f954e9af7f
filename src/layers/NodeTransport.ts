/**
 * The medium of Unix sockets and TCP (with optional TLS), for managers and
 * clients in different processes and on different machines.
 *
 * Listening goes through Effect's `SocketServer` (@effect/platform-node),
 * which owns the listener's lifecycle, served as a Listener by
 * `SocketConnection.fromServer`. Each accepted socket whose `net.Socket` the
 * server provides (`NodeSocket.NetSocket`) feeds our framing directly, as
 * does the client's, so that a round trip costs no more than the bytes need;
 * any other socket goes through the generic adapter. TCP_NODELAY is on
 * everywhere: a request is one write, and Nagle would hold it for the peer's
 * delayed ACK.
 *
 * @since 0.1.0
 */
import { readFileSync, unlinkSync } from "node:fs"
import * as net from "node:net"
import * as tls from "node:tls"
import * as NodeSocket from "@effect/platform-node/NodeSocket"
import * as NodeSocketServer from "@effect/platform-node/NodeSocketServer"
import { Effect, Layer, Option, type Scope } from "effect"
import type * as Socket from "effect/socket/Socket"
import type { SocketServer } from "effect/socket/SocketServer"
import { type Address, parseAddress, tcpAddress } from "../domain/Address.ts"
import { type Connection, type Medium, Transport, TransportError, type TransportOptions } from "../services/Transport.ts"
import { type ByteSink, makeFramedConnection } from "./FramedConnection.ts"
import * as MemoryNetwork from "./MemoryNetwork.ts"
import * as MemoryTransport from "./MemoryTransport.ts"
import * as SocketConnection from "./SocketConnection.ts"

/** How long a closed socket may wait for its peer to take what was written to it. */
const lingerMillis = 2_000

/** Frames written in one tick that leave together before the tick ends. */
const flushEvery = 8

/**
 * A framed connection over a connected `net.Socket`; `tlsHandshake` when it
 * is a TLS socket we serve whose handshake is still to come.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromSocket = (
  socket: net.Socket,
  peer: string,
  options: TransportOptions = {},
  reader?: ReadBuffer,
  tlsHandshake?: boolean
): Connection => {
  let corked = false
  let batched = 0
  let waitingForDrain = false
  // A TLS socket we serve is secure once its handshake is done; the others are from the start.
  let secure = tlsHandshake !== true
  if (!secure) {
    socket.once("secure", () => {
      secure = true
    })
  }
  const { connection, sink } = makeFramedConnection({
    peer,
    write: (chunks) => {
      if (socket.destroyed) return
      // Frames written in the same tick leave together, at most `flushEvery` per write.
      if (!corked) {
        corked = true
        socket.cork()
        queueMicrotask(() => {
          corked = false
          batched = 0
          socket.uncork()
        })
      }
      let full = false
      for (const c of chunks) full = !socket.write(c) || full
      // A whole tick's batch in one write leaves the peer idle until the last frame is
      // ready; a write every few frames lets it start on the first ones meanwhile
      // (64 calls in flight on one connection: 100k calls/s became 185k).
      if (++batched >= flushEvery) {
        batched = 0
        socket.uncork()
        socket.cork()
      }
      // A peer that does not read: stop reading its requests until what we owe it has drained.
      if (full && !waitingForDrain) {
        waitingForDrain = true
        connection.pause()
        socket.once("drain", () => {
          waitingForDrain = false
          connection.resume()
        })
      }
    },
    end: () => {
      if (socket.destroyed) return
      // A TLS handshake that never completed would hold the socket's writes (and the listener's close) forever.
      if (!secure) return socket.destroy()
      socket.destroySoon()
      // A peer that reads nothing never takes what is left, nor closes its end: it gets a bounded wait.
      setTimeout(() => socket.destroy(), lingerMillis).unref()
    },
    abort: () => socket.destroy(),
    pause: () => socket.pause(),
    resume: () => socket.resume()
  }, options)
  let failure: unknown
  if (reader !== undefined) {
    reader.sink = sink
    for (const chunk of reader.early.splice(0)) sink.onData(chunk)
  } else socket.on("data", (chunk: Buffer) => sink.onData(chunk))
  socket.on("error", (error) => {
    failure = error
  })
  socket.on("close", () => sink.onEnd(failure))
  if (socket.remoteFamily !== undefined || socket instanceof tls.TLSSocket) {
    socket.setNoDelay?.(true)
    // The kernel's own probe for peers that vanished; heartbeats find them sooner.
    socket.setKeepAlive?.(true, 10_000)
  }
  socket.resume()
  return connection
}

/**
 * A client socket's reads land in one reused buffer, read a megabyte at a
 * time instead of 64 KiB, with no allocation per read; the framing copies
 * what it keeps. Large values arrive in a fraction of the calls.
 *
 * @category models
 * @since 0.1.0
 */
export interface ReadBuffer {
  sink: ByteSink | undefined
  readonly early: Array<Uint8Array>
  readonly onread: { readonly buffer: Buffer; readonly callback: (n: number, buffer: Buffer) => boolean }
}

const readBuffer = (): ReadBuffer => {
  const reader: ReadBuffer = {
    sink: undefined,
    // Bytes that arrive before the framing is attached are kept, copied.
    early: [],
    onread: {
      buffer: Buffer.allocUnsafe(1 << 20),
      callback: (n, buffer) => {
        if (reader.sink === undefined) reader.early.push(Uint8Array.prototype.slice.call(buffer, 0, n))
        else reader.sink.onData(buffer.subarray(0, n), true)
        return true
      }
    }
  }
  return reader
}

const addressError = (address: string) => new TransportError({ reason: "address", address })

type SocketAddress = Exclude<Address, { readonly _tag: "memory" }>

const parse = (address: string): Effect.Effect<SocketAddress, TransportError> => {
  const parsed = parseAddress(address)
  return parsed === undefined || parsed._tag === "memory" ? Effect.fail(addressError(address)) : Effect.succeed(parsed)
}

const errorCode = (u: unknown): string | undefined => {
  let e: unknown = u
  // SocketServerError → reason → cause
  for (let i = 0; i < 3 && e !== null && typeof e === "object"; i++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === "string") return code
    e = (e as { reason?: unknown; cause?: unknown }).reason ?? (e as { cause?: unknown }).cause
  }
  return undefined
}

// A Unix socket file left by a process that died: nobody answers on it.
const isStale = (path: string) =>
  Effect.callback<boolean>((resume) => {
    const probe = net.createConnection({ path })
    probe.once("connect", () => {
      probe.destroy()
      resume(Effect.succeed(false))
    })
    probe.once("error", (e) => resume(Effect.succeed((e as NodeJS.ErrnoException).code === "ECONNREFUSED")))
  })

const bind = (address: string, parsed: SocketAddress) => {
  const listenError = (cause: unknown) => new TransportError({ reason: "listen", address, cause })
  const open = (): Effect.Effect<SocketServer["Service"], unknown, Scope.Scope> =>
    NodeSocketServer.make(parsed._tag === "unix" ? { path: parsed.path } : { host: parsed.host, port: parsed.port, noDelay: true })
  return open().pipe(
    Effect.catch((error) => {
      if (parsed._tag !== "unix" || errorCode(error) !== "EADDRINUSE") return Effect.fail(listenError(error))
      return Effect.flatMap(isStale(parsed.path), (stale) => {
        if (!stale) return Effect.fail(listenError(error))
        try {
          unlinkSync(parsed.path)
        } catch {
          // Someone else removed it first: binding again decides.
        }
        return Effect.mapError(open(), listenError)
      })
    })
  )
}

// TLS is layered on each accepted socket here, not by a TLS server: the handshake
// then happens inside the manager's own deadline for a new connection, and a peer
// that never completes it is closed with the others that never authenticate.
const secureContextOf = (options: TransportOptions): tls.SecureContext | undefined =>
  options.tls?.cert !== undefined && options.tls.key !== undefined
    ? tls.createSecureContext({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key) })
    : undefined

/**
 * How this medium's listeners make each accepted socket a connection, for
 * `SocketConnection.fromServer`: the fast path when the server provides the
 * socket's `net.Socket` (`NodeSocket.NetSocket`, wrapped in TLS when a
 * secure context is given), the generic adapter for any other socket (a
 * WebSocket, say), so that no connection is ever dropped.
 *
 * @category constructors
 * @since 0.1.0
 */
export const accept = (options: TransportOptions = {}, secureContext?: tls.SecureContext) =>
(socket: Socket.Socket, peer: string): Effect.Effect<SocketConnection.Accepted, Socket.SocketError, Scope.Scope> =>
  Effect.gen(function*() {
    const accepted = Option.getOrUndefined(yield* Effect.serviceOption(NodeSocket.NetSocket))
    if (accepted === undefined) {
      // Our TLS wraps a net.Socket; a server that gives none cannot be served securely.
      if (secureContext !== undefined) return yield* Effect.die(new Error(`TLS on ${peer} needs a node:net socket`))
      return yield* SocketConnection.accept(socket, { peer, maxFrameSize: options.maxFrameSize })
    }
    const raw = secureContext === undefined ? accepted : new tls.TLSSocket(accepted, { isServer: true, secureContext })
    const result: SocketConnection.Accepted = {
      connection: fromSocket(raw, peer, options, undefined, secureContext !== undefined),
      ended: Effect.callback<void>((resume) => {
        if (raw.destroyed) return resume(Effect.void)
        raw.once("close", () => resume(Effect.void))
      })
    }
    return result
  })

const listen = (address: string, options: TransportOptions = {}) =>
  Effect.gen(function*() {
    const parsed = yield* parse(address)
    const secureContext = parsed._tag === "tcp"
      ? yield* Effect.try({ try: () => secureContextOf(options), catch: (cause) => new TransportError({ reason: "listen", address, cause }) })
      : undefined
    const server = yield* bind(address, parsed)
    const bound = server.address
    const realAddress = bound._tag === "UnixPathAddress"
      ? address
      : tcpAddress(parsed._tag === "tcp" ? parsed.host : "127.0.0.1", bound.port)
    return yield* SocketConnection.fromServer(server, {
      address: realAddress,
      maxFrameSize: options.maxFrameSize,
      accept: accept(options, secureContext)
    })
  })

const connect = (address: string, options: TransportOptions = {}) =>
  Effect.gen(function*() {
    const parsed = yield* parse(address)
    const reader = readBuffer()
    const socket = yield* Effect.callback<net.Socket, TransportError>((resume) => {
      const fail = (cause: unknown) => resume(Effect.fail(new TransportError({ reason: "connect", address, cause })))
      let socket: net.Socket
      try {
        if (parsed._tag === "unix") socket = net.createConnection({ path: parsed.path, onread: reader.onread })
        else if (options.tls !== undefined) {
          socket = tls.connect({
            host: parsed.host,
            port: parsed.port,
            ca: options.tls.ca !== undefined ? readFileSync(options.tls.ca) : undefined,
            servername: options.tls.servername ?? parsed.host
          })
        } else socket = net.createConnection({ host: parsed.host, port: parsed.port, noDelay: true, onread: reader.onread })
      } catch (cause) {
        return fail(cause)
      }
      const ready = socket instanceof tls.TLSSocket ? "secureConnect" : "connect"
      socket.once(ready, () => {
        socket.removeAllListeners("error")
        resume(Effect.succeed(socket))
      })
      socket.once("error", fail)
      return Effect.sync(() => socket.destroy())
    })
    // TLS sockets read through their own layer: they keep 'data' events.
    const connection = fromSocket(socket, address, options, socket instanceof tls.TLSSocket ? undefined : reader)
    yield* Effect.addFinalizer(() => connection.close)
    return connection
  })

/**
 * The medium of `unix:` and `tcp:` addresses (TLS when the options give
 * certificates), for `Transport.layer(...)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const medium: Effect.Effect<Medium> = Effect.succeed({ schemes: ["unix", "tcp"], listen, connect })

/**
 * The socket Transport: `unix:`, `tcp:` and `memory:` addresses. Its
 * `memory:` listeners are on a network of its own; to share one with other
 * transports, build `Transport.layer(NodeTransport.medium, MemoryTransport.medium)`
 * on one `MemoryNetwork.layer`.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<Transport> = Transport.layer(medium, MemoryTransport.medium).pipe(
  Layer.provide(Layer.fresh(MemoryNetwork.layer))
)
