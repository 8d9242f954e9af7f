/**
 * One client connection in our dialect: authenticated, with a session
 * opened by Hello, carrying many requests at once. Each request waits for
 * the reply with its id. When the connection goes, every waiting request
 * fails with ConnectionLost, and so does every later one: nothing hangs.
 *
 * Interrupting a waiting fiber abandons its request: a Cancel goes to the
 * server, and the request's one reply is still read when it comes —
 * `Cancelled` (it had no effect) or the late result, which the request's
 * `onAbandoned` gives back (an Undo, a decref). The interrupted fiber waits
 * for that reply (one round trip), so what it sends next comes after the
 * Undo. Closing the connection waits, briefly, for the replies of abandoned
 * requests that nobody waits for, so nothing is kept.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Duration, Effect, FiberSet, Result } from "effect"
import { ConnectionLost, LimitExceeded, ManagerUnavailable } from "../../domain/ManagerErrors.ts"
import type { Token } from "../../domain/Token.ts"
import { defaultMaxFrameSize, handshakeMaxFrameSize } from "../../protocol/Framing.ts"
import { type AuthenticationError, clientHandshake } from "../../protocol/Handshake.ts"
import { protocolVersion, type Reply, type Request } from "../../protocol/Messages.ts"
import { decodeReply, encodeRequest } from "../../protocol/WireCodec.ts"
import { Transport, type TransportOptions } from "../../services/Transport.ts"

/** A reply and the tokens in its value (each one a reference the server counted for us). @since 0.1.0 */
export interface Received {
  readonly reply: Reply
  readonly tokens: ReadonlyArray<Token>
}

/** @since 0.1.0 */
export interface ClientConnection {
  /** The manager's address, as it reports it. */
  readonly address: string
  readonly session: string
  /**
   * Sends a request and waits for its reply, which `onReply` turns into the
   * result (it runs in the waiting fiber).
   */
  readonly request: <A, E>(
    build: (id: number) => Request,
    onReply: (received: Received) => Effect.Effect<A, E>,
    options?: RequestOptions
  ) => Effect.Effect<A, E | ConnectionLost | LimitExceeded>
  /**
   * Sends a request whose reply nobody waits for (decref, undo); `onReply`,
   * when given, sees it. A no-op once the connection is gone.
   */
  readonly notify: (build: (id: number) => Request, onReply?: (received: Received) => void) => void
  readonly isOpen: () => boolean
}

// How long closing waits for the replies of abandoned requests.
const closeGrace = Duration.seconds(2)
// How long an interrupted call waits for the server's verdict on it (one round trip, normally).
const cancelWait = Duration.seconds(2)

/** How to reach and join a manager. @since 0.1.0 */
export interface ConnectOptions extends TransportOptions {
  readonly address: string
  readonly authkey: Uint8Array
  /** Refuse the server's legacy HMAC-MD5 answers. */
  readonly strictAuth?: boolean | undefined
  /** Rejoin an existing session (a reconnecting client); default: a new one. */
  readonly session?: string | undefined
  /** Called with the tokens of replies that arrived after their caller gave up on them. */
  readonly onOrphanTokens?: ((tokens: ReadonlyArray<Token>) => void) | undefined
  /**
   * How often to tell the manager this client is alive (default 10 seconds),
   * and to check it is: a connection silent for three intervals is taken as
   * lost, so a half-open connection fails calls instead of hanging them.
   */
  readonly heartbeatInterval?: Duration.Input | undefined
}

/** How one request behaves when its caller gives up on it. @since 0.1.0 */
export interface RequestOptions {
  /** Ask the server to cancel it (a Call); otherwise it runs to its end. */
  readonly cancellable?: boolean | undefined
  /**
   * Gives back what a reply that nobody waits for anymore handed out (default:
   * the references of the tokens in it, through `onOrphanTokens`).
   */
  readonly onAbandoned?: ((received: Received) => void) | undefined
}

// A request waiting for its reply: a fiber resumes with it, or, once its caller gave up,
// the request's own cleanup takes it.
interface Pending {
  readonly deliver: (received: Received) => void
  readonly fail: (error: unknown) => void
}

/**
 * Connects, authenticates and opens a session. The connection closes with
 * the scope.
 *
 * @since 0.1.0
 */
export const connect = (options: ConnectOptions) =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const connection = yield* transport.connect(options.address, options).pipe(
      Effect.mapError((cause) => new ManagerUnavailable({ address: options.address, cause }))
    )
    const unavailable = (cause: unknown) => new ManagerUnavailable({ address: options.address, cause })
    yield* clientHandshake({
      send: (payload) => Effect.sync(() => connection.sendUnsafe(payload)),
      receive: (limit) => Effect.mapError(connection.receive(Math.min(limit, handshakeMaxFrameSize)), unavailable)
    }, { authkey: options.authkey, strict: options.strictAuth }).pipe(
      Effect.catchTag("AuthenticationError", (e): Effect.Effect<never, AuthenticationError> => Effect.fail(e))
    )
    const session = options.session ?? randomUUID()
    connection.sendUnsafe(encodeRequest({ _tag: "Hello", id: 1, session, version: protocolVersion }))
    const hello = decodeReply(yield* Effect.mapError(connection.receive(), unavailable))
    if (Result.isSuccess(hello) && hello.success._tag === "Error" && hello.success.error instanceof LimitExceeded) {
      return yield* Effect.fail(hello.success.error)
    }
    if (Result.isFailure(hello) || hello.success._tag !== "Return") {
      return yield* unavailable(Result.isFailure(hello) ? hello.failure : new Error("the manager refused the session"))
    }
    const info = hello.success.value as { readonly address?: unknown }
    const address = typeof info?.address === "string" ? info.address : options.address

    const pending = new Map<number, Pending>()
    // What this connection does on its own (closing after a bad frame) runs in fibers of its scope.
    const runBackground = yield* FiberSet.makeRuntime<never, void, never>()
    let nextId = 2
    let lost: ConnectionLost | undefined
    // Abandoned requests whose reply has not come yet; closing waits for them.
    let abandoned = 0
    let onSettled: (() => void) | undefined
    const settleOne = () => {
      if (--abandoned === 0) onSettled?.()
    }

    // `reason`, when the manager said why it closed (a limit, a protocol error), is what
    // the calls in flight fail with; later calls fail with ConnectionLost.
    const loseAll = (cause: unknown, reason?: unknown) => {
      if (lost === undefined) lost = new ConnectionLost({ address, cause })
      const waiting = [...pending.values()]
      pending.clear()
      for (const p of waiting) p.fail(reason ?? lost)
      abandoned = 0
      onSettled?.()
    }

    const releaseTokens = (received: Received) => {
      if (received.tokens.length > 0) options.onOrphanTokens?.(received.tokens)
    }

    let lastFrame = Date.now()
    const onFrame = (frame: Uint8Array) => {
      lastFrame = Date.now()
      const tokens: Array<Token> = []
      const decoded = decodeReply(frame, tokens)
      if (Result.isFailure(decoded)) {
        loseAll(decoded.failure)
        runBackground(connection.close)
        return
      }
      const reply = decoded.success
      if (reply.id === 0) {
        const reason = reply._tag === "Error" ? reply.error : new Error(reply._tag === "Traceback" ? reply.text : "the manager closed the connection")
        loseAll(reason, reason)
        return
      }
      const waiter = pending.get(reply.id)
      if (waiter === undefined) {
        // Nobody asked (a Ping, or an id we never sent): its references go back all the same.
        releaseTokens({ reply, tokens })
        return
      }
      pending.delete(reply.id)
      waiter.deliver({ reply, tokens })
    }

    yield* Effect.forkScoped(
      connection.run(onFrame).pipe(
        Effect.exit,
        Effect.flatMap((exit) => Effect.sync(() => loseAll(exit._tag === "Failure" ? exit.cause : undefined)))
      )
    )
    // Replies to abandoned requests are what gives their results back: wait for them, briefly.
    const settled = Effect.callback<void>((resume) => {
      if (abandoned === 0 || lost !== undefined) return resume(Effect.void)
      onSettled = () => resume(Effect.void)
    }).pipe(Effect.timeoutOption(closeGrace))
    yield* Effect.addFinalizer(() =>
      settled.pipe(
        Effect.andThen(connection.close),
        Effect.andThen(Effect.sync(() => loseAll(new Error("the client closed"))))
      )
    )

    // Heartbeats: the manager learns we are alive; we learn it is.
    const interval = Duration.toMillis(Duration.fromInputUnsafe(options.heartbeatInterval ?? Duration.seconds(10)))
    yield* Effect.forkScoped(Effect.gen(function*() {
      while (lost === undefined) {
        yield* Effect.sleep(interval)
        if (Date.now() - lastFrame > 3 * interval) {
          loseAll(new Error(`the manager was silent for ${3 * interval} ms`))
          return yield* connection.close
        }
        send({ _tag: "Ping", id: nextId++ })
      }
    }))

    const send = (request: Request): void => connection.sendUnsafe(encodeRequest(request))
    const maxFrameSize = options.maxFrameSize ?? defaultMaxFrameSize

    const client: ClientConnection = {
      address,
      session,
      isOpen: () => lost === undefined,
      request: <A, E>(build: (id: number) => Request, onReply: (received: Received) => Effect.Effect<A, E>, requestOptions?: RequestOptions) =>
        Effect.callback<A, E | ConnectionLost | LimitExceeded>((resume) => {
          if (lost !== undefined) {
            resume(Effect.fail(lost))
            return
          }
          const id = nextId++
          let bytes: Uint8Array
          try {
            bytes = encodeRequest(build(id))
          } catch (e) {
            resume(Effect.die(e))
            return
          }
          // A request over the cap would cost the connection: refuse it here instead.
          if (bytes.length > maxFrameSize) {
            resume(Effect.fail(new LimitExceeded({
              limit: "frame-size",
              max: maxFrameSize,
              message: `a request of ${bytes.length} bytes is over the frame limit of ${maxFrameSize} bytes`
            })))
            return
          }
          pending.set(id, {
            // The result is made in the waiting fiber, which runs it at once.
            deliver: (received) => resume(onReply(received)),
            fail: (error) => resume(Effect.fail(error as ConnectionLost))
          })
          connection.sendUnsafe(bytes)
          return Effect.suspend(() => {
            if (!pending.has(id) || lost !== undefined) return Effect.void
            // The caller has gone; the request's one reply is still coming, and decides what to give back.
            const cleanup = requestOptions?.onAbandoned ?? releaseTokens
            let settledNow: (() => void) | undefined
            abandoned++
            pending.set(id, {
              deliver: (received) => {
                settleOne()
                cleanup(received)
                settledNow?.()
              },
              fail: () => settledNow?.()
            })
            if (requestOptions?.cancellable !== true) return Effect.void
            send({ _tag: "Cancel", id: nextId++, target: id })
            // The interrupted caller waits for the server's verdict, so that what it gives back
            // (an Undo) goes out before anything the caller sends next: an item undone to the
            // head of its queue is the next one this caller gets.
            return Effect.callback<void>((resume) => {
              if (!pending.has(id) || lost !== undefined) return resume(Effect.void)
              settledNow = () => resume(Effect.void)
            }).pipe(Effect.timeoutOption(cancelWait), Effect.asVoid)
          })
        }),
      notify: (build, onReply) => {
        if (lost !== undefined) return
        const id = nextId++
        if (onReply !== undefined) pending.set(id, { deliver: onReply, fail: () => {} })
        send(build(id))
      }
    }
    return client
  })
