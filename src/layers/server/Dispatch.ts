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
import { Effect } from "effect"
import { LimitExceeded } from "../../domain/ManagerErrors.ts"
import { TypeError } from "../../domain/PythonErrors.ts"
import { type Caller, getValue, wantsCaller } from "../../domain/Referent.ts"
import { Token } from "../../domain/Token.ts"
import { Iterator } from "../../domain/types/Iterator.ts"
import type { Entry, RefcountStore } from "../../services/RefcountStore.ts"
import { exposedOf, type Registry, type TypeDef } from "../../services/Registry.ts"
import { fromExit, fromThrown, type Outcome, succeed, traceback } from "./Outcome.ts"

/** Keyword arguments as they arrive: a record (our dialect) or a Map (CPython's dict). @since 0.1.0 */
export type Kwargs = Readonly<Record<string, unknown>> | ReadonlyMap<unknown, unknown> | null | undefined

const kwargEntries = (kwargs: Kwargs): Array<readonly [string, unknown]> => {
  if (kwargs === null || kwargs === undefined) return []
  const entries = kwargs instanceof Map ? [...kwargs.entries()] : Object.entries(kwargs)
  return entries.map(([k, v]) => {
    if (typeof k !== "string") throw TypeError.make("keywords must be strings")
    return [k, v] as const
  })
}

/**
 * Positional arguments with keywords bound by parameter name; `"**"` in the
 * names takes the remaining keywords as a record.
 *
 * @since 0.1.0
 */
export const bindArguments = (
  what: string,
  parameters: ReadonlyArray<string> | undefined,
  args: ReadonlyArray<unknown>,
  kwargs: Kwargs
): ReadonlyArray<unknown> => {
  const entries = kwargEntries(kwargs)
  if (entries.length === 0) return args
  if (parameters === undefined) throw TypeError.make(`${what}() takes no keyword arguments`)
  const out: Array<unknown> = [...args]
  const rest = parameters.indexOf("**")
  const extra: Record<string, unknown> = {}
  for (const [name, value] of entries) {
    const i = parameters.indexOf(name)
    if (i >= 0 && i !== rest) {
      if (i < args.length) throw TypeError.make(`${what}() got multiple values for argument '${name}'`)
      out[i] = value
    } else if (rest >= 0) {
      extra[name] = value
    } else {
      throw TypeError.make(`${what}() got an unexpected keyword argument '${name}'`)
    }
  }
  if (rest >= 0) {
    while (out.length < rest) out.push(undefined)
    out[rest] = extra
  }
  return out
}

const isPromiseLike = (u: unknown): u is PromiseLike<unknown> =>
  typeof u === "object" && u !== null && typeof (u as { then?: unknown }).then === "function"

/** What the dispatcher needs from the server. @since 0.1.0 */
export interface DispatchContext {
  readonly address: string
  readonly registry: Registry["Service"]
  readonly store: RefcountStore["Service"]
  /** The most objects one session may hold references to. */
  readonly maxObjectsPerSession: number
}

// A session past its object limit creates nothing more (shared references it already holds do not count twice).
const overLimit = (ctx: DispatchContext, session: string): Outcome | undefined =>
  ctx.store.objectsHeldBy(session) >= ctx.maxObjectsPerSession
    ? {
      _tag: "Error",
      error: new LimitExceeded({
        limit: "objects-per-session",
        max: ctx.maxObjectsPerSession,
        message: `a session may hold at most ${ctx.maxObjectsPerSession} objects`
      })
    }
    : undefined

const referentOf = (def: TypeDef, value: unknown): unknown => {
  // CPython's rule: a typeid without a callable takes the value itself as referent.
  if (def.create === undefined) {
    if (def.typeid === "Iterator" && value !== null && typeof value === "object" && Symbol.iterator in value) {
      return new Iterator(value as Iterable<unknown>)
    }
    return value
  }
  return def.create(value)
}

const settle = (u: unknown): unknown | Effect.Effect<unknown, unknown> => {
  if (Effect.isEffect(u)) return u
  if (isPromiseLike(u)) return Effect.tryPromise({ try: () => u, catch: (e) => e })
  return u
}

/**
 * Creates a shared object for `session`: calls the typeid's factory (which
 * may suspend) and registers the referent with one reference.
 *
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
  Effect.suspend(() => {
    const limited = overLimit(ctx, session)
    if (limited !== undefined) return Effect.succeed(limited)
    const def = ctx.registry.get(typeid)
    if (def === undefined || def.createMethod === false && def.create === undefined) {
      return Effect.succeed(traceback(`Traceback (most recent call last):\nKeyError: ${JSON.stringify(typeid)} is not a registered typeid\n`))
    }
    let made: unknown
    try {
      if (def.create === undefined) {
        if (args.length !== 1) throw TypeError.make(`${typeid} takes exactly one argument`)
        made = args[0]
      } else {
        let bound = bindArguments(typeid, def.parameters, args, kwargs)
        if (def.resolveArguments === true) {
          bound = bound.map((a) => (a instanceof Token && a.address === ctx.address ? ctx.store.getUnsafe(a.id)?.referent ?? a : a))
        }
        made = settle(def.create(...bound))
      }
    } catch (e) {
      return Effect.succeed(fromThrown(e))
    }
    const register = (referent: unknown): Effect.Effect<Outcome> => {
      if (referent === null || typeof referent !== "object") {
        return Effect.succeed(traceback(`Traceback (most recent call last):\nTypeError: ${typeid} created a ${typeof referent}, not an object\n`))
      }
      return Effect.flatMap(ctx.store.create(typeid, referent, exposedOf(def, referent), session), (entry) => {
        const outcome: Outcome = {
          _tag: "Proxy",
          token: new Token(typeid, ctx.address, entry.id),
          exposed: [...entry.exposed]
        }
        return hasTokens ? Effect.as(ctx.store.updateChildren(entry.id), outcome) : Effect.succeed(outcome)
      })
    }
    return Effect.isEffect(made)
      ? Effect.flatMap(Effect.exit(made as Effect.Effect<unknown, unknown>), (exit) => {
        const o = fromExit(exit)
        return o._tag === "Return" ? register(o.value) : Effect.succeed(o)
      })
      : register(made)
  })

const fallback = (entry: Entry, method: string): Outcome | undefined => {
  const referent = entry.referent as { [getValue]?: () => unknown }
  switch (method) {
    case "#GETVALUE":
      return succeed(referent[getValue] !== undefined ? referent[getValue]() : referent)
    case "__str__":
    case "__repr__":
      return succeed(String(referent))
    default:
      return undefined
  }
}

/**
 * Calls a method for a caller. Gives the Outcome now when the method
 * completed synchronously, or an Effect of it when it suspends.
 *
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
  const entry = ctx.store.getUnsafe(objectId)
  if (entry === undefined) {
    return traceback(`Traceback (most recent call last):\nKeyError: ${JSON.stringify(objectId)}: no live object with this id\n`)
  }
  if (!entry.exposed.has(method)) {
    const fb = fallback(entry, method)
    if (fb !== undefined) return fb
    return traceback(
      `Traceback (most recent call last):\nAttributeError: method ${JSON.stringify(method)} of ${entry.typeid} object is not in exposed=${JSON.stringify([...entry.exposed])}\n`
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
  if (!Effect.isEffect(settled)) {
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
  const entry = ctx.store.getUnsafe(objectId)
  // The object is gone, and with it whatever the call took from it.
  if (entry === undefined) return succeed("stands")
  const spec = ctx.registry.get(entry.typeid)?.undo?.[method]
  if (spec === undefined) return succeed("stands")
  if (spec === null) return succeed("irreversible")
  const referent = entry.referent as Record<string, unknown>
  const fn = referent[spec]
  if (typeof fn !== "function") return traceback(`Traceback (most recent call last):\nAttributeError: ${entry.typeid} has no compensator ${spec}\n`)
  let verdict: unknown
  try {
    verdict = wantsCaller(fn) ? fn.call(referent, caller, result, ...args) : fn.call(referent, result, ...args)
  } catch (e) {
    return fromThrown(e)
  }
  const settled = settle(verdict)
  return Effect.isEffect(settled) ? Effect.map(Effect.exit(settled as Effect.Effect<unknown, unknown>), fromExit) : succeed(settled)
}

const released = (entry: Entry, method: string): Outcome =>
  traceback(
    `Traceback (most recent call last):\nRuntimeError: ${entry.typeid} object ${JSON.stringify(entry.id)} was released while ${method} was running\n`
  )

// A method_to_typeid result: a new shared object with one reference for the caller's session.
const share = (ctx: DispatchContext, session: string, typeid: string, value: unknown): Effect.Effect<Outcome> => {
  const def = ctx.registry.get(typeid)
  if (def === undefined) {
    return Effect.succeed(traceback(`Traceback (most recent call last):\nKeyError: ${JSON.stringify(typeid)} is not a registered typeid\n`))
  }
  const limited = overLimit(ctx, session)
  if (limited !== undefined) return Effect.succeed(limited)
  let referent: unknown
  try {
    referent = referentOf(def, value)
  } catch (e) {
    return Effect.succeed(fromThrown(e))
  }
  if (referent === null || typeof referent !== "object") return Effect.succeed(succeed(value))
  return Effect.map(
    ctx.store.create(typeid, referent, exposedOf(def, referent), session),
    (entry): Outcome => ({ _tag: "Proxy", token: new Token(typeid, ctx.address, entry.id), exposed: [...entry.exposed] })
  )
}
