/**
 * A value now, or an Effect of it later: what an operation on shared state
 * gives. State kept in this process's memory answers at once (a plain
 * value, no fiber, no allocation for an Effect); state kept in Redis answers
 * with an Effect. The shared types are written once over both with the few
 * combinators here, so the fast path stays synchronous.
 *
 * A Python-mirroring error thrown while mapping (`throw KeyError.make(k)`)
 * is the operation's failure either way: thrown now, or failed later.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"

/**
 * `A` now, or an Effect that gives it.
 *
 * @category models
 * @since 0.1.0
 */
export type Eventually<A, E = never> = A | Effect.Effect<A, E>

/**
 * Whether `u` is an Effect still to run rather than a value. Effect's errors
 * can be yielded, so they are Effects too; but one found where a value is
 * (an exception stored in a shared list, an error a Pool task gave) is a
 * value, and no computation is an Error.
 *
 * @category guards
 * @since 0.1.0
 */
export const isPending = (u: unknown): u is Effect.Effect<unknown, unknown, unknown> => Effect.isEffect(u) && !(u instanceof Error)

const isTagged = (e: unknown): boolean =>
  typeof e === "object" && e !== null && typeof (e as { _tag?: unknown })._tag === "string"

// Runs `f`; a tagged throw is a failure, anything else a defect, as Dispatch treats a synchronous throw.
const attempt = <A, B>(f: (a: A) => Eventually<B, any>, a: A): Effect.Effect<B, any> => {
  try {
    const b = f(a)
    return isPending(b) ? b : Effect.succeed(b)
  } catch (e) {
    return isTagged(e) ? Effect.fail(e) : Effect.die(e)
  }
}

/**
 * `f` of the value: applied at once when it is here, later when it is an Effect.
 *
 * @category combinators
 * @since 0.1.0
 */
export const map = <A, B, E = never, E2 = never>(
  self: Eventually<A, E>,
  f: (a: A) => Eventually<B, E2>
): Eventually<B, E | E2> =>
  isPending(self) ? Effect.flatMap(self as Effect.Effect<A, E>, (a) => attempt(f, a)) : f(self as A)

/**
 * All the values, in order: an array now when every one is here.
 *
 * @category combinators
 * @since 0.1.0
 */
export const all = <A, E = never>(items: ReadonlyArray<Eventually<A, E>>): Eventually<Array<A>, E> => {
  if (!items.some(isPending)) return items as Array<A>
  return Effect.all(items.map((x) => (isPending(x) ? x as Effect.Effect<A, E> : Effect.succeed(x))))
}

/**
 * Runs `f` for each item in turn, each after the previous one completed.
 *
 * @category combinators
 * @since 0.1.0
 */
export const forEach = <A, B, E = never>(
  items: Iterable<A>,
  f: (a: A) => Eventually<B, E>
): Eventually<Array<B>, E> => {
  const out: Array<B> = []
  const it = items[Symbol.iterator]()
  const loop = (): Eventually<Array<B>, E> => {
    for (let next = it.next(); !next.done; next = it.next()) {
      const b = f(next.value)
      if (isPending(b)) {
        return Effect.flatMap(b as Effect.Effect<B, E>, (value) => {
          out.push(value)
          const rest = loop()
          return isPending(rest) ? rest : Effect.succeed(rest)
        })
      }
      out.push(b as B)
    }
    return out
  }
  return loop()
}

/**
 * The value as an Effect, for code that runs in a fiber anyway.
 *
 * @category conversions
 * @since 0.1.0
 */
export const toEffect = <A, E>(self: Eventually<A, E>): Effect.Effect<A, E> =>
  isPending(self) ? self as Effect.Effect<A, E> : Effect.succeed(self as A)
