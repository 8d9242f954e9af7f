/**
 * How a blocking method waits, whatever keeps the state: "try; else register
 * a waiter; retry when woken or timed out". The state's own operation tries
 * and, when it cannot proceed, registers the waiter in the same atomic step
 * (so no wake-up falls between them); a freeing operation wakes waiters in
 * turn; the {@link WaitRoom} suspends a waiter until its wake-up or its
 * timeout. The memory backend's room resumes fibers directly; a Redis
 * backend's wakes them with a pub/sub hint and a poll bound.
 *
 * Waking is a hint, not a hand-off: a woken caller tries again, so nothing is
 * given to a caller that has gone, and a caller that leaves after it was
 * woken passes the wake-up on.
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"
import { type Eventually, isPending } from "./Eventually.ts"

/**
 * One caller waiting on a shared object, as its backend knows it. Opaque to
 * the shared types: only the backend's states and room look inside.
 *
 * @category models
 * @since 0.1.0
 */
export interface Waiter {
  readonly id: string
}

/**
 * Where waiters of one backend wait.
 *
 * @category models
 * @since 0.1.0
 */
export interface WaitRoom {
  /** A new waiter, not yet registered anywhere. */
  readonly waiter: () => Waiter
  /** Suspends until the waiter is woken (`true`) or `timeoutMs` passes (`false`; undefined waits forever). */
  readonly wait: (waiter: Waiter, timeoutMs: number | undefined) => Effect.Effect<boolean>
  /**
   * The waiter gives up (timed out, interrupted): its registration is
   * withdrawn, and a wake-up it was given and did not use goes to the next
   * waiter.
   */
  readonly leave: (waiter: Waiter) => Eventually<void>
}

/** What an attempt gives while the caller must keep waiting. @category models @since 0.1.0 */
export const NotYet: unique symbol = Symbol.for("effect-managers/Waiting/NotYet")
/** @category models @since 0.1.0 */
export type NotYet = typeof NotYet

/** What {@link retryUntil} gives when its timeout passes first. @category models @since 0.1.0 */
export const TimedOut: unique symbol = Symbol.for("effect-managers/Waiting/TimedOut")
/** @category models @since 0.1.0 */
export type TimedOut = typeof TimedOut

/**
 * Continues with the value of `x`, now or when it arrives.
 *
 * @category combinators
 * @since 0.1.0
 */
export const step = <A, B, E = never>(x: Eventually<A>, f: (a: A) => Effect.Effect<B, E>): Effect.Effect<B, E> =>
  isPending(x) ? Effect.flatMap(x as Effect.Effect<A>, f) : f(x as A)

/**
 * Waits until `attempt` gives a value: the caller has tried once already,
 * unregistered, and found it could not proceed. Each try passes the
 * caller's waiter, which the state registers when it still cannot proceed;
 * the caller then waits to be woken or to time out. `timeoutMs` undefined
 * waits forever; after a timeout the caller tries once more, unregistered.
 *
 * Only the waits can be interrupted: an attempt, once it starts, finishes,
 * so an interrupted caller has taken nothing. `undo` gives back what a
 * successful attempt took when the caller is interrupted on its way out;
 * with it, the interrupted call has no effect.
 *
 * @category combinators
 * @since 0.1.0
 */
export const retryUntil = <A>(
  room: WaitRoom,
  attempt: (waiter: Waiter | undefined) => Eventually<A | NotYet>,
  timeoutMs: number | undefined,
  undo?: (a: A) => Eventually<unknown>
): Effect.Effect<A | TimedOut> =>
  Effect.uninterruptibleMask((restore) => {
    const waiter = room.waiter()
    const finalTry = () => step(attempt(undefined), (r): Effect.Effect<A | TimedOut> => Effect.succeed(r === NotYet ? TimedOut : r))
    const loop = (deadline: number | undefined): Effect.Effect<A | TimedOut> =>
      step(attempt(waiter), (r) => {
        if (r !== NotYet) return Effect.succeed(r)
        return Effect.flatMap(deadline === undefined ? Effect.succeed(undefined) : Clock.currentTimeMillis, (now) => {
          const remaining = deadline === undefined || now === undefined ? undefined : deadline - now
          if (remaining !== undefined && remaining <= 0) return step(room.leave(waiter), finalTry)
          return Effect.flatMap(
            Effect.onInterrupt(restore(room.wait(waiter, remaining)), () => Effect.suspend(() => toEffect(room.leave(waiter)))),
            (woken) => (woken ? loop(deadline) : step(room.leave(waiter), finalTry))
          )
        })
      })
    const run = timeoutMs === undefined ? loop(undefined) : Effect.flatMap(Clock.currentTimeMillis, (now) => loop(now + timeoutMs))
    if (undo === undefined) return run
    // Leaving the protected region is where a pending interrupt lands: what was taken goes back.
    return Effect.flatMap(run, (r) =>
      r === TimedOut
        ? Effect.succeed(r)
        : Effect.onInterrupt(restore(Effect.succeed(r)), () => Effect.asVoid(Effect.suspend(() => toEffect(undo(r as A))))))
  })

/**
 * `x` as an Effect.
 *
 * @category conversions
 * @since 0.1.0
 */
export const toEffect = <A>(x: Eventually<A>): Effect.Effect<A> => (isPending(x) ? x as Effect.Effect<A> : Effect.succeed(x as A))
