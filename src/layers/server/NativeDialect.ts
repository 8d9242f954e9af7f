/**
 * Our own dialect: a session opened by Hello, then multiplexed requests,
 * each in its own fiber, answered by id in whatever order they complete.
 * Request fibers live in a FiberMap owned by the connection's scope: when
 * the connection ends, every one of them is interrupted.
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
import { Effect, FiberMap, FiberSet, Option, Result } from "effect"
import { LimitExceeded } from "../../domain/ManagerErrors.ts"
import { makeCaller } from "../../domain/Referent.ts"
import type { Token } from "../../domain/Token.ts"
import type { Reply, Request } from "../../protocol/Messages.ts"
import { decodeRequest, encodeReply, encodeReplyParts, ProtocolError } from "../../protocol/WireCodec.ts"
import type { Connection } from "../../services/Transport.ts"
import type { Dialect } from "./Dialect.ts"
import { call, create, undo } from "./Dispatch.ts"
import { type Outcome, succeed, traceback, tracebackText } from "../../domain/Outcome.ts"
import type { SessionContext } from "./Session.ts"

/** The id of connection-level failures: no request has it. @category protocol @since 0.1.0 */
export const connectionFailureId = 0

/** Says, on id 0, why a connection is being closed, in a form the client re-raises. @category protocol @since 0.1.0 */
export const connectionFailure = (error: unknown): Uint8Array => encodeReply({ _tag: "Error", id: connectionFailureId, error })

const toReply = (id: number, outcome: Outcome): Reply => {
  switch (outcome._tag) {
    case "Return":
      return { _tag: "Return", id, value: outcome.value }
    case "Error":
      return { _tag: "Error", id, error: outcome.error }
    case "Traceback":
      return { _tag: "Traceback", id, text: outcome.text }
    case "Proxy":
      return { _tag: "Proxy", id, token: outcome.token, exposed: outcome.exposed }
    case "Interrupted":
      return { _tag: "Cancelled", id }
  }
}

type Call = Extract<Request, { _tag: "Call" }>

/**
 * Serves a connection whose first frame (after authentication) was `first`.
 *
 * @category serving
 * @since 0.1.0
 */
export const serveNative = (ctx: SessionContext, connection: Connection, first: Uint8Array) =>
  Effect.scoped(Effect.gen(function*() {
    ctx.frames.decoded++
    const hello = decodeRequest(first)
    if (Result.isFailure(hello) || hello.success._tag !== "Hello") {
      const reason = Result.isFailure(hello) ? hello.failure.reason : `expected Hello, got ${hello.success._tag}`
      connection.sendUnsafe(connectionFailure(new ProtocolError({ reason })))
      return yield* connection.close
    }
    const session = hello.success.session
    ctx.leases.attach(session)
    yield* Effect.addFinalizer(() => Effect.sync(() => ctx.leases.detach(session)))
    connection.sendUnsafe(encodeReply({ _tag: "Return", id: hello.success.id, value: { session, address: ctx.address } }))

    // The connection's requests in flight, by id; closing the scope interrupts them all.
    const inflight = yield* FiberMap.make<number, void>()
    const run = yield* FiberMap.runtime(inflight)<never>()
    const runBackground = yield* FiberSet.makeRuntime<never, void, never>()

    const encodeOutcome = (id: number, outcome: Outcome, tokens: Array<Token>) => {
      try {
        return encodeReplyParts(toReply(id, outcome), tokens)
      } catch (e) {
        tokens.length = 0
        return [encodeReply({ _tag: "Unserializable", id, text: (e as Error)?.message ?? String(e) })]
      }
    }

    const count = (outcome: Outcome) => {
      if (outcome._tag === "Interrupted") ctx.interrupted.cancelled++
    }

    // Replies that hand out proxies, or follow a call that may have changed what an
    // object holds, count references before they leave.
    const respond = (id: number, outcome: Outcome, objectId?: string, argTokens = false): Effect.Effect<void> => {
      count(outcome)
      const tokens: Array<Token> = []
      const bytes = encodeOutcome(id, outcome, tokens)
      const rescan = objectId !== undefined && (argTokens || ctx.objects.get(objectId)?.mayHoldRefs === true)
      if (tokens.length === 0 && !rescan) return Effect.sync(() => connection.sendPartsUnsafe(bytes))
      return Effect.gen(function*() {
        for (const token of tokens) {
          // A created object's own token already carries the session's reference.
          if (outcome._tag === "Proxy" && token === outcome.token) continue
          if (token.address === ctx.address) yield* Effect.ignore(ctx.objects.incref(token.id, session))
        }
        if (rescan) yield* ctx.objects.updateChildren(objectId)
        connection.sendPartsUnsafe(bytes)
      })
    }

    // Past maxInFlight, reading from this connection stops until requests complete.
    let throttled = false
    let running = 0
    const track = (id: number, effect: Effect.Effect<void>) => {
      const fiber = run(id, effect)
      if (fiber.pollUnsafe() !== undefined) return
      running++
      if (!throttled && running >= ctx.maxInFlight) {
        throttled = true
        connection.pause()
      }
      fiber.addObserver(() => {
        running--
        if (throttled && running < ctx.maxInFlight) {
          throttled = false
          connection.resume()
        }
      })
    }

    // The one place every call passes. The common call completes at once and its reply holds no
    // proxy: it is answered here and now, with no fiber.
    const onCall = (request: Call, hasTokens: boolean): void => {
      const done = ctx.observer?.start({
        dialect: "native",
        session,
        typeid: ctx.objects.get(request.object)?.typeid ?? "",
        method: request.method,
        trace: request.trace
      })
      const outcome = call(ctx, makeCaller(session, request.caller), request.object, request.method, request.args, request.kwargs)
      if (Effect.isEffect(outcome)) {
        track(request.id, Effect.uninterruptible(Effect.flatMap(outcome, (o) => {
          done?.(o)
          return respond(request.id, o, request.object, hasTokens)
        })))
        return
      }
      done?.(outcome)
      const tokens: Array<Token> = []
      const bytes = encodeOutcome(request.id, outcome, tokens)
      if (tokens.length > 0 || hasTokens || ctx.objects.get(request.object)?.mayHoldRefs === true) {
        track(request.id, Effect.uninterruptible(respond(request.id, outcome, request.object, hasTokens)))
        return
      }
      count(outcome)
      connection.sendPartsUnsafe(bytes)
    }

    const failure = (id: number, e: { readonly message: string }) => respond(id, traceback(tracebackText(e.message)))

    const handle = (request: Exclude<Request, { _tag: "Call" }>, hasTokens: boolean): Effect.Effect<void> => {
      switch (request._tag) {
        case "Undo": {
          const counted = (o: Outcome) => {
            if (o._tag === "Return" && o.value === "undone") ctx.interrupted.undone++
            else if (o._tag === "Return" && o.value === "irreversible") ctx.interrupted.irreversible++
            return respond(request.id, o, request.object, hasTokens)
          }
          const outcome = undo(ctx, makeCaller(session, request.caller), request.object, request.method, request.args, request.result)
          return Effect.isEffect(outcome) ? Effect.flatMap(outcome, counted) : counted(outcome)
        }
        case "Create":
          return Effect.flatMap(create(ctx, session, request.typeid, request.args, request.kwargs, hasTokens), (o) => respond(request.id, o))
        case "Incref":
          return Effect.matchEffect(ctx.objects.incref(request.object, session), {
            onFailure: (e) => failure(request.id, e),
            onSuccess: () => respond(request.id, succeed(null))
          })
        case "Decref":
          return Effect.matchEffect(ctx.objects.decref(request.object, session), {
            onFailure: (e) => failure(request.id, e),
            onSuccess: () => respond(request.id, succeed(null))
          })
        case "GetMethods": {
          const entry = ctx.objects.get(request.object)
          return respond(
            request.id,
            entry === undefined ? traceback(tracebackText(`KeyError: ${JSON.stringify(request.object)}`)) : succeed([...entry.exposed])
          )
        }
        case "DebugInfo":
          return Effect.flatMap(ctx.objects.debugInfo, (info) => respond(request.id, succeed(info)))
        case "NumberOfObjects":
          return Effect.flatMap(ctx.objects.numberOfObjects, (n) => respond(request.id, succeed(n)))
        case "Stats":
          return Effect.flatMap(ctx.stats, (stats) => respond(request.id, succeed(stats)))
        case "Control": {
          const control = ctx.controls.get(request.name)
          if (control === undefined) return failure(request.id, { message: `AttributeError: no control call ${JSON.stringify(request.name)}` })
          return Effect.flatMap(control.run({ session, args: request.args, kwargs: request.kwargs }), (o) => respond(request.id, o))
        }
        case "Shutdown":
          return Effect.andThen(respond(request.id, succeed(null)), ctx.requestShutdown)
        case "Ping":
          return respond(request.id, succeed("pong"))
        case "Cancel":
          return Effect.sync(() => Option.getOrUndefined(FiberMap.getUnsafe(inflight, request.target))?.interruptUnsafe())
        case "Hello":
          return respond(request.id, traceback(tracebackText("ProtocolError: the session is already open")))
      }
    }

    let lastFrame = Date.now()
    const onFrame = (frame: Uint8Array) => {
      lastFrame = Date.now()
      ctx.frames.decoded++
      const tokens: Array<Token> = []
      const decoded = decodeRequest(frame, tokens)
      if (Result.isFailure(decoded)) {
        connection.sendUnsafe(connectionFailure(decoded.failure))
        runBackground(connection.close)
        return
      }
      const request = decoded.success
      if (request._tag === "Call") return onCall(request, tokens.length > 0)
      // Cancel is answered by its target; it is not tracked (its id may be one a request uses).
      if (request._tag === "Cancel") {
        Option.getOrUndefined(FiberMap.getUnsafe(inflight, request.target))?.interruptUnsafe()
        return
      }
      track(request.id, Effect.uninterruptible(handle(request, tokens.length > 0)))
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
      Effect.ignore
    )
  }))

/**
 * Our dialect: every first frame that is not a CPython peer's.
 *
 * @category dialects
 * @since 0.1.0
 */
export const dialect: Dialect = {
  name: "native",
  recognise: () => true,
  serve: serveNative,
  refuse: (connection, error) => connection.sendUnsafe(connectionFailure(error))
}
