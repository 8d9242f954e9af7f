/**
 * The one place a request meets a referent, for every dialect: find the
 * object, check the method is exposed, bind arguments (keywords included),
 * run the method with its caller, and turn what happens into an Outcome. A
 * method that returns a plain value or throws completes here and now; one
 * that returns an Effect or a Promise gives an Effect of the Outcome, which
 * the dialect runs in its own fiber.
 *
 * @since 0.1.0
 */
import { type Context, Effect } from "effect"
import { bindArguments, type Kwargs } from "../../domain/Arguments.ts"
import { isPending } from "../../domain/Eventually.ts"
import { LimitExceeded } from "../../domain/ManagerErrors.ts"
import { TypeError } from "../../domain/PythonErrors.ts"
import { type Caller, describe, getValue, wantsCaller } from "../../domain/Referent.ts"
import { Token } from "../../domain/Token.ts"
import { Iterator } from "../../domain/types/Iterator.ts"
import type { Registry, TypeDef } from "../../services/Registry.ts"
import { NewObject } from "../../services/SharedState.ts"
import type { LocalEntry, Objects } from "./Objects.ts"
import { fromExit, fromThrown, type Outcome, succeed, traceback, tracebackText } from "../../domain/Outcome.ts"

const isPromiseLike = (u: unknown): u is PromiseLike<unknown> =>
  typeof u === "object" && u !== null && typeof (u as { then?: unknown }).then === "function"

/** What the dispatcher needs from the server. @category models @since 0.1.0 */
export interface DispatchContext {
  readonly address: string
  readonly registry: Registry["Service"]
  readonly objects: Objects
  /** The services factories may use (the SharedState backend, and whatever else the server was given). */
  readonly services: Context.Context<never>
  /** The most objects one session may hold references to. */
  readonly maxObjectsPerSession: number
}

// A session past its object limit creates nothing more (shared references it already holds do not count twice).
const overLimit = (ctx: DispatchContext, session: string): Effect.Effect<Outcome | undefined> =>
  Effect.map(ctx.objects.objectsHeldBy(session), (held) =>
    held >= ctx.maxObjectsPerSession
      ? {
        _tag: "Error",
        error: new LimitExceeded({
          limit: "objects-per-session",
          max: ctx.maxObjectsPerSession,
          message: `a session may hold at most ${ctx.maxObjectsPerSession} objects`
        })
      }
      : undefined)

const settle = (u: unknown): unknown | Effect.Effect<unknown, unknown> => {
  if (isPending(u)) return u
  if (isPromiseLike(u)) return Effect.tryPromise({ try: () => u, catch: (e) => e })
  return u
}

// What a factory gives, with the server's services and the id of the object it makes.
const made = (ctx: DispatchContext, id: string, typeid: string, u: unknown): unknown | Effect.Effect<unknown, unknown> => {
  const settled = settle(u)
  if (!isPending(settled)) return settled
  return (settled as Effect.Effect<unknown, unknown, NewObject>).pipe(
    Effect.provideService(NewObject, { id, typeid }),
    Effect.provideContext(ctx.services)
  )
}

// The referent a value becomes under a typeid (method_to_typeid, or a create without a callable).
const referentOf = (ctx: DispatchContext, def: TypeDef, id: string, value: unknown): unknown => {
  // CPython's rule: a typeid without a callable takes the value itself as referent.
  if (def.create === undefined) {
    if (def.typeid === "Iterator" && value !== null && typeof value === "object" && Symbol.iterator in value) {
      return new Iterator(value as Iterable<unknown>)
    }
    return value
  }
  return made(ctx, id, def.typeid, def.create(value))
}

// Registers what a factory made; gives the Proxy outcome for it.
const register = (
  ctx: DispatchContext,
  session: string,
  def: TypeDef,
  id: string,
  referent: unknown,
  hasTokens: boolean
): Effect.Effect<Outcome> => {
  if (referent === null || typeof referent !== "object") {
    return Effect.succeed(traceback(tracebackText(`TypeError: ${def.typeid} created a ${typeof referent}, not an object`)))
  }
  return Effect.flatMap(ctx.objects.register(id, def.typeid, referent, ctx.registry.exposedOf(def, referent), session), (entry) => {
    const outcome: Outcome = { _tag: "Proxy", token: new Token(def.typeid, ctx.address, entry.id), exposed: [...entry.exposed] }
    return hasTokens ? Effect.as(ctx.objects.updateChildren(entry.id), outcome) : Effect.succeed(outcome)
  })
}

/**
 * Creates a shared object for `session`: calls the typeid's factory (which
 * may suspend, and may use the server's services) and registers the referent
 * with one reference.
 *
 * @category dispatch
 * @since 0.1.0
 */
export const create = (
  ctx: DispatchContext,
  session: string,
  typeid: string,
  args: ReadonlyArray<unknown>,
  kwargs: Kwargs,
  hasTokens: boolean
): Effect.Effect<Outcome> =>
  Effect.flatMap(overLimit(ctx, session), (limited) => {
    if (limited !== undefined) return Effect.succeed(limited)
    const def = ctx.registry.get(typeid)
    if (def === undefined || def.createMethod === false && def.create === undefined) {
      return Effect.succeed(traceback(tracebackText(`KeyError: ${JSON.stringify(typeid)} is not a registered typeid`)))
    }
    const id = ctx.objects.newId()
    let value: unknown
    try {
      if (def.create === undefined) {
        if (args.length !== 1) throw TypeError.make(`${typeid} takes exactly one argument`)
        value = args[0]
      } else {
        let bound = bindArguments(typeid, def.parameters, args, kwargs)
        if (def.resolveArguments === true) {
          bound = bound.map((a) => (a instanceof Token && a.address === ctx.address ? ctx.objects.get(a.id)?.referent ?? a : a))
        }
        value = made(ctx, id, typeid, def.create(...bound))
      }
    } catch (e) {
      return Effect.succeed(fromThrown(e))
    }
    return isPending(value)
      ? Effect.flatMap(Effect.exit(value as Effect.Effect<unknown, unknown>), (exit) => {
        const o = fromExit(exit)
        return o._tag === "Return" ? register(ctx, session, def, id, o.value, hasTokens) : Effect.succeed(o)
      })
      : register(ctx, session, def, id, value, hasTokens)
  })

// The answer of a hook that may answer later.
const outcomeOf = (u: unknown): Outcome | Effect.Effect<Outcome> =>
  isPending(u) ? Effect.map(Effect.exit(u as Effect.Effect<unknown, unknown>), fromExit) : succeed(u)

const fallback = (entry: LocalEntry, method: string): Outcome | Effect.Effect<Outcome> | undefined => {
  const referent = entry.referent as { [getValue]?: () => unknown; [describe]?: () => unknown }
  try {
    switch (method) {
      case "#GETVALUE":
        return outcomeOf(referent[getValue] !== undefined ? referent[getValue]() : referent)
      case "__str__":
      case "__repr__":
        return outcomeOf(referent[describe] !== undefined ? referent[describe]() : String(referent))
      default:
        return undefined
    }
  } catch (e) {
    return fromThrown(e)
  }
}

/**
 * Calls a method for a caller. Gives the Outcome now when the method
 * completed synchronously, or an Effect of it when it suspends.
 *
 * @category dispatch
 * @since 0.1.0
 */
export const call = (
  ctx: DispatchContext,
  caller: Caller,
  objectId: string,
  method: string,
  args: ReadonlyArray<unknown>,
  kwargs: Kwargs,
  /** Who holds the reference to an object a method_to_typeid result creates (default: the caller's session). */
  refSession: string = caller.session
): Outcome | Effect.Effect<Outcome> => {
  const entry = ctx.objects.get(objectId)
  if (entry === undefined) {
    return traceback(tracebackText(`KeyError: ${JSON.stringify(objectId)}: no live object with this id`))
  }
  if (!entry.exposed.has(method)) {
    const fb = fallback(entry, method)
    if (fb !== undefined) return fb
    return traceback(
      tracebackText(`AttributeError: method ${JSON.stringify(method)} of ${entry.typeid} object is not in exposed=${JSON.stringify([...entry.exposed])}`)
    )
  }
  const referent = entry.referent as Record<string, unknown>
  const fn = referent[method]
  const def = ctx.registry.get(entry.typeid)
  let result: unknown
  try {
    if (typeof fn !== "function") {
      if (args.length > 0) throw TypeError.make(`'${method}' is not callable`)
      result = fn
    } else {
      const bound = bindArguments(method, def?.methodParameters?.[method], args, kwargs)
      result = wantsCaller(fn) ? fn.call(referent, caller, ...bound) : fn.apply(referent, bound)
    }
  } catch (e) {
    return fromThrown(e)
  }
  const toTypeid = def?.methodToTypeid?.[method]
  const settled = settle(result)
  if (!isPending(settled)) {
    return toTypeid === undefined ? succeed(settled) : share(ctx, refSession, toTypeid, settled)
  }
  // The method is the only part of a request that may be interrupted (a Cancel, or the
  // object's disposal): the dialect runs the rest, the reply included, uninterruptibly.
  return Effect.withFiber((fiber) => {
    let disposed = false
    const stop = () => {
      disposed = true
      fiber.interruptUnsafe()
    }
    entry.activeCalls.add(stop)
    return Effect.flatMap(Effect.exit(Effect.interruptible(settled as Effect.Effect<unknown, unknown>)), (exit) => {
      entry.activeCalls.delete(stop)
      // Disposing the object stops the calls still running on it; they answer with a failure.
      if (disposed) return Effect.succeed(released(entry, method))
      const o = fromExit(exit)
      return o._tag === "Return" && toTypeid !== undefined ? share(ctx, refSession, toTypeid, o.value) : Effect.succeed(o)
    })
  })
}

/**
 * Gives back the result of a call whose caller gave up before the reply
 * reached it, by the compensator the type names for the method (see
 * `TypeDef.undo`): gives `"undone"`, `"stands"` when the method has nothing
 * to undo, or `"irreversible"`.
 *
 * @since 0.1.0
 */
export const undo = (
  ctx: DispatchContext,
  caller: Caller,
  objectId: string,
  method: string,
  args: ReadonlyArray<unknown>,
  result: unknown
): Outcome | Effect.Effect<Outcome> => {
  const entry = ctx.objects.get(objectId)
  // The object is gone, and with it whatever the call took from it.
  if (entry === undefined) return succeed("stands")
  const spec = ctx.registry.get(entry.typeid)?.undo?.[method]
  if (spec === undefined) return succeed("stands")
  if (spec === null) return succeed("irreversible")
  const referent = entry.referent as Record<string, unknown>
  const fn = referent[spec]
  if (typeof fn !== "function") return traceback(tracebackText(`AttributeError: ${entry.typeid} has no compensator ${spec}`))
  let verdict: unknown
  try {
    verdict = wantsCaller(fn) ? fn.call(referent, caller, result, ...args) : fn.call(referent, result, ...args)
  } catch (e) {
    return fromThrown(e)
  }
  const settled = settle(verdict)
  return isPending(settled) ? Effect.map(Effect.exit(settled as Effect.Effect<unknown, unknown>), fromExit) : succeed(settled)
}

const released = (entry: LocalEntry, method: string): Outcome =>
  traceback(tracebackText(`RuntimeError: ${entry.typeid} object ${JSON.stringify(entry.id)} was released while ${method} was running`))

// A method_to_typeid result: a new shared object with one reference for the caller's session.
const share = (ctx: DispatchContext, session: string, typeid: string, value: unknown): Effect.Effect<Outcome> =>
  Effect.flatMap(overLimit(ctx, session), (limited) => {
    if (limited !== undefined) return Effect.succeed(limited)
    const def = ctx.registry.get(typeid)
    if (def === undefined) {
      return Effect.succeed(traceback(tracebackText(`KeyError: ${JSON.stringify(typeid)} is not a registered typeid`)))
    }
    const id = ctx.objects.newId()
    let referent: unknown
    try {
      referent = referentOf(ctx, def, id, value)
    } catch (e) {
      return Effect.succeed(fromThrown(e))
    }
    const registerValue = (r: unknown): Effect.Effect<Outcome> =>
      r === null || typeof r !== "object" ? Effect.succeed(succeed(value)) : register(ctx, session, def, id, r, false)
    return isPending(referent)
      ? Effect.flatMap(Effect.exit(referent as Effect.Effect<unknown, unknown>), (exit) => {
        const o = fromExit(exit)
        return o._tag === "Return" ? registerValue(o.value) : Effect.succeed(o)
      })
      : registerValue(referent)
  })
