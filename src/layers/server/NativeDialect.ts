/**
 * Serves one connection in our own dialect: a session opened by Hello, then
 * multiplexed requests, each in its own fiber, answered by id in whatever
 * order they complete.
 *
 * Every request gets exactly one reply. A Cancel interrupts its request while
 * the method is still waiting, and the reply is `Cancelled`: the call had no
 * effect. Only the method itself can be interrupted; once it has completed,
 * its reply goes out, and a client that gave up on it meanwhile gives the
 * result back with `Undo`, which runs the type's compensator.
 *
 * A reply that hands out proxies (tokens in its value) adds one reference
 * per token for the session before it leaves, so the object cannot vanish
 * between the reply and the client's proxy; the proxy's release gives it
 * back.
 *
 * @since 0.1.0
 */
import { Effect, type Fiber, Result } from "effect"
import { makeCaller } from "../../domain/Referent.ts"
import type { Token } from "../../domain/Token.ts"
import type { Reply, Request } from "../../protocol/Messages.ts"
import { decodeRequest, encodeReply, encodeReplyParts, ProtocolError } from "../../protocol/WireCodec.ts"
import { LimitExceeded } from "../../domain/ManagerErrors.ts"
import type { Connection } from "../../services/Transport.ts"
import type { ServerStats } from "../../services/Server.ts"
import { call, create, type DispatchContext, undo } from "./Dispatch.ts"
import type { Leases } from "./Leases.ts"
import { type Outcome, succeed, traceback } from "./Outcome.ts"

/** What a dialect session needs from its server. @since 0.1.0 */
export interface SessionContext extends DispatchContext {
  readonly leases: Leases
  /** Asks the server to shut down (a client's Shutdown request). */
  readonly requestShutdown: Effect.Effect<void>
  /** The most requests one connection may have in flight before reading from it stops. */
  readonly maxInFlight: number
  /** How long a connection may stay silent (milliseconds). */
  readonly idleTimeoutMillis: number
  /** The server's connection counters (the Stats request). */
  readonly stats: Effect.Effect<ServerStats>
  /** Where interrupted calls are counted, by what came of them. */
  readonly interrupted: { cancelled: number; undone: number; irreversible: number }
}

/** Says, on id 0, why a connection is being closed, in a form the client re-raises. @since 0.1.0 */
export const connectionFailure = (error: unknown): Uint8Array =>
  encodeReply({ _tag: "Error", id: connectionFailureId, error })

const toReply = (id: number, outcome: Exclude<Outcome, { _tag: "Interrupted" }>): Reply => {
  switch (outcome._tag) {
    case "Return":
      return { _tag: "Return", id, value: outcome.value }
    case "Error":
      return { _tag: "Error", id, error: outcome.error }
    case "Traceback":
      return { _tag: "Traceback", id, text: outcome.text }
    case "Proxy":
      return { _tag: "Proxy", id, token: outcome.token, exposed: outcome.exposed }
  }
}

/** The id of connection-level failures: no request has it. @since 0.1.0 */
export const connectionFailureId = 0

/**
 * Serves a connection whose first frame (after authentication) was `first`.
 *
 * @since 0.1.0
 */
export const serveNative = (ctx: SessionContext, connection: Connection, first: Uint8Array) =>
  Effect.gen(function*() {
    const hello = decodeRequest(first)
    if (Result.isFailure(hello) || hello.success._tag !== "Hello") {
      const reason = Result.isFailure(hello) ? hello.failure.reason : `expected Hello, got ${hello.success._tag}`
      connection.sendUnsafe(connectionFailure(new ProtocolError({ reason })))
      return yield* connection.close
    }
    const session = hello.success.session
    ctx.leases.attach(session)
    connection.sendUnsafe(encodeReply({ _tag: "Return", id: hello.success.id, value: { session, address: ctx.address } }))

    const inflight = new Map<number, Fiber.Fiber<void>>()
    const context = yield* Effect.context<never>()
    const fork = Effect.runForkWith(context)

    const encodeOutcome = (id: number, outcome: Exclude<Outcome, { _tag: "Interrupted" }>, tokens: Array<Token>) => {
      try {
        return encodeReplyParts(toReply(id, outcome), tokens)
      } catch (e) {
        tokens.length = 0
        return [encodeReply({ _tag: "Unserializable", id, text: (e as Error)?.message ?? String(e) })]
      }
    }

    // Replies that hand out proxies, or follow a call that may have changed what an
    // object holds, count references before they leave.
    const respond = (id: number, outcome: Outcome, objectId?: string, argTokens = false): Effect.Effect<void> => {
      if (outcome._tag === "Interrupted") {
        return Effect.sync(() => {
          ctx.interrupted.cancelled++
          connection.sendUnsafe(encodeReply({ _tag: "Cancelled", id }))
        })
      }
      const tokens: Array<Token> = []
      const bytes = encodeOutcome(id, outcome, tokens)
      const rescan = objectId !== undefined && (argTokens || ctx.store.getUnsafe(objectId)?.mayHoldRefs === true)
      return Effect.gen(function*() {
        for (const token of tokens) {
          // A created object's own token already carries the session's reference.
          if (outcome._tag === "Proxy" && token === outcome.token) continue
          if (token.address === ctx.address) yield* Effect.ignore(ctx.store.incref(token.id, session))
        }
        if (rescan) yield* ctx.store.updateChildren(objectId)
        connection.sendPartsUnsafe(bytes)
      })
    }

    // The common call: the method completed at once and its reply holds no proxy. No fiber needed.
    const respondNow = (request: Extract<Request, { _tag: "Call" }>, hasTokens: boolean): boolean => {
      const outcome = call(ctx, makeCaller(session, request.caller), request.object, request.method, request.args, request.kwargs)
      if (Effect.isEffect(outcome)) {
        track(request.id, fork(Effect.uninterruptible(Effect.flatMap(outcome, (o) => respond(request.id, o, request.object, hasTokens)))))
        return true
      }
      if (outcome._tag === "Interrupted") {
        ctx.interrupted.cancelled++
        connection.sendUnsafe(encodeReply({ _tag: "Cancelled", id: request.id }))
        return true
      }
      const tokens: Array<Token> = []
      const bytes = encodeOutcome(request.id, outcome, tokens)
      if (tokens.length > 0 || hasTokens || ctx.store.getUnsafe(request.object)?.mayHoldRefs === true) {
        track(request.id, fork(respond(request.id, outcome, request.object, hasTokens)))
        return true
      }
      connection.sendPartsUnsafe(bytes)
      return true
    }

    // Past maxInFlight, reading from this connection stops until requests complete.
    let throttled = false
    const track = (id: number, fiber: Fiber.Fiber<void>) => {
      if (fiber.pollUnsafe() !== undefined) return
      inflight.set(id, fiber)
      if (!throttled && inflight.size >= ctx.maxInFlight) {
        throttled = true
        connection.pause()
      }
      fiber.addObserver(() => {
        inflight.delete(id)
        if (throttled && inflight.size < ctx.maxInFlight) {
          throttled = false
          connection.resume()
        }
      })
    }

    const handle = (request: Exclude<Request, { _tag: "Call" }>, hasTokens: boolean): Effect.Effect<void> => {
      switch (request._tag) {
        case "Undo": {
          const count = (o: Outcome) => {
            if (o._tag === "Return" && o.value === "undone") ctx.interrupted.undone++
            else if (o._tag === "Return" && o.value === "irreversible") ctx.interrupted.irreversible++
            return respond(request.id, o, request.object, hasTokens)
          }
          const outcome = undo(ctx, makeCaller(session, request.caller), request.object, request.method, request.args, request.result)
          return Effect.isEffect(outcome) ? Effect.flatMap(outcome, count) : count(outcome)
        }
        case "Stats":
          return Effect.flatMap(ctx.stats, (stats) => respond(request.id, succeed(stats)))
        case "Create":
          return Effect.flatMap(
            create(ctx, session, request.typeid, request.args, request.kwargs, hasTokens),
            (o) => respond(request.id, o)
          )
        case "Incref":
          return Effect.matchEffect(ctx.store.incref(request.object, session), {
            onFailure: (e) => respond(request.id, traceback(`Traceback (most recent call last):\n${e.message}\n`)),
            onSuccess: () => respond(request.id, succeed(null))
          })
        case "Decref":
          return Effect.matchEffect(ctx.store.decref(request.object, session), {
            onFailure: (e) => respond(request.id, traceback(`Traceback (most recent call last):\n${e.message}\n`)),
            onSuccess: () => respond(request.id, succeed(null))
          })
        case "GetMethods": {
          const entry = ctx.store.getUnsafe(request.object)
          return respond(
            request.id,
            entry === undefined
              ? traceback(`Traceback (most recent call last):\nKeyError: ${JSON.stringify(request.object)}\n`)
              : succeed([...entry.exposed])
          )
        }
        case "DebugInfo":
          return Effect.flatMap(ctx.store.debugInfo, (info) => respond(request.id, succeed(info)))
        case "NumberOfObjects":
          return Effect.flatMap(ctx.store.numberOfObjects, (n) => respond(request.id, succeed(n)))
        case "Shutdown":
          return Effect.andThen(respond(request.id, succeed(null)), ctx.requestShutdown)
        case "Ping":
          return respond(request.id, succeed("pong"))
        case "Cancel":
          return Effect.sync(() => inflight.get(request.target)?.interruptUnsafe())
        case "Hello":
          return respond(request.id, traceback("ProtocolError: the session is already open\n"))
      }
    }

    let lastFrame = Date.now()
    const onFrame = (frame: Uint8Array) => {
      lastFrame = Date.now()
      const tokens: Array<Token> = []
      const decoded = decodeRequest(frame, tokens)
      if (Result.isFailure(decoded)) {
        connection.sendUnsafe(connectionFailure(decoded.failure))
        fork(connection.close)
        return
      }
      const request = decoded.success
      if (request._tag === "Call") {
        respondNow(request, tokens.length > 0)
        return
      }
      track(request.id, fork(Effect.uninterruptible(handle(request, tokens.length > 0))))
    }

    // A peer that vanished without closing (a half-open TCP connection) goes silent:
    // clients send heartbeats, so silence past the idle timeout means it is gone.
    const watchdog = Effect.gen(function*() {
      while (true) {
        yield* Effect.sleep(Math.max(50, ctx.idleTimeoutMillis / 4))
        if (Date.now() - lastFrame > ctx.idleTimeoutMillis) return yield* connection.close
      }
    })

    yield* Effect.raceFirst(connection.run(onFrame), watchdog).pipe(
      Effect.catchTag("FrameError", (e) =>
        Effect.andThen(
          Effect.sync(() =>
            connection.sendUnsafe(connectionFailure(
              e.reason === "too-large"
                ? new LimitExceeded({ limit: "frame-size", max: e.limit, message: e.message })
                : new ProtocolError({ reason: e.message })
            ))
          ),
          connection.close
        )),
      Effect.ignore,
      Effect.ensuring(Effect.sync(() => {
        for (const fiber of inflight.values()) fiber.interruptUnsafe()
        inflight.clear()
        ctx.leases.detach(session)
      }))
    )
  })
