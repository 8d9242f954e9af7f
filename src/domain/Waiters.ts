/**
 * Suspended callers of a shared object, and the one loop every blocking
 * method uses: try, else wait to be woken or to time out, then try again.
 *
 * Waking is a hint, not a hand-off: a woken caller tries again, so an item is
 * never given to a caller that has gone. A caller interrupted after it was
 * woken but before it tried passes its wake-up on, so no other waiter sleeps
 * through an item that is there. This is the shape a Redis-backed object can
 * share: "try, else register a waiter and retry when woken or timed out".
 *
 * @since 0.1.0
 */
import { Clock, Duration, Effect, Option } from "effect"

interface Waiter {
  readonly resume: (effect: Effect.Effect<boolean>) => void
  readonly onWake: (() => void) | undefined
}

/** @since 0.1.0 */
export class Waiters {
  private readonly queue = new Set<Waiter>()

  get size(): number {
    return this.queue.size
  }

  /**
   * Suspends until woken (`true`) or until `timeoutMs` passes (`false`).
   * Without a timeout it waits until woken. `onWake` runs synchronously when a
   * notifier picks this waiter, before the waiter resumes.
   */
  wait(timeoutMs?: number, onWake?: () => void): Effect.Effect<boolean> {
    const suspend = Effect.callback<boolean>((resume) => {
      const waiter: Waiter = { resume, onWake }
      this.queue.add(waiter)
      return Effect.sync(() => {
        this.queue.delete(waiter)
      })
    })
    if (timeoutMs === undefined) return suspend
    return Effect.map(Effect.timeoutOption(suspend, Duration.millis(Math.max(0, timeoutMs))), Option.isSome)
  }

  /** Wakes up to `n` waiters, oldest first. Returns how many were woken. */
  notify(n = 1): number {
    // Take them all out first: a resumed fiber runs inline and may wait here again.
    const chosen: Array<Waiter> = []
    for (const waiter of this.queue) {
      if (chosen.length >= n) break
      chosen.push(waiter)
    }
    for (const waiter of chosen) this.queue.delete(waiter)
    for (const waiter of chosen) {
      waiter.onWake?.()
      waiter.resume(Effect.succeed(true))
    }
    return chosen.length
  }

  notifyAll(): number {
    return this.notify(this.queue.size)
  }
}

/** What an attempt returns while the caller must keep waiting. @since 0.1.0 */
export const NotYet: unique symbol = Symbol.for("effect-managers/Waiters/NotYet")
/** @since 0.1.0 */
export type NotYet = typeof NotYet

/** What {@link retryUntil} gives when its timeout passes first. @since 0.1.0 */
export const TimedOut: unique symbol = Symbol.for("effect-managers/Waiters/TimedOut")
/** @since 0.1.0 */
export type TimedOut = typeof TimedOut

/**
 * Runs `attempt` until it gives a value, waiting on `waiters` between tries.
 * `timeoutMs` undefined waits forever; 0 tries once more after the first miss.
 *
 * Only the waits can be interrupted: an attempt, once it starts, finishes,
 * so an interrupted caller has taken nothing. `undo` gives back what a
 * successful attempt took when the caller is interrupted on its way out
 * (an item taken from a queue, a permit): with it, the interrupted call has
 * no effect.
 *
 * @since 0.1.0
 */
export const retryUntil = <A>(
  waiters: Waiters,
  attempt: () => A | NotYet,
  timeoutMs: number | undefined,
  undo?: (a: A) => void
): Effect.Effect<A | TimedOut> => {
  const first = attempt()
  if (first !== NotYet) return Effect.succeed(first)
  // Set by the notifier, cleared once the woken caller has tried again.
  let woken = false
  const onWake = () => {
    woken = true
  }
  return Effect.uninterruptibleMask((restore) => {
    const loop = (deadline: number | undefined): Effect.Effect<A | TimedOut> =>
      Effect.flatMap(
        deadline === undefined ? Effect.succeed(undefined) : Clock.currentTimeMillis,
        (now) => {
          const remaining = deadline === undefined || now === undefined ? undefined : deadline - now
          if (remaining !== undefined && remaining <= 0) {
            const last = attempt()
            return Effect.succeed(last === NotYet ? TimedOut : last)
          }
          return Effect.flatMap(
            Effect.onInterrupt(restore(waiters.wait(remaining, onWake)), () =>
              Effect.sync(() => {
                // Woken but gone before trying: the wake-up goes to the next waiter.
                if (woken) waiters.notify(1)
              })),
            (wasWoken) => {
              const next = attempt()
              woken = false
              if (next !== NotYet) return Effect.succeed(next)
              return wasWoken ? loop(deadline) : Effect.succeed(TimedOut)
            }
          )
        }
      )
    const run = timeoutMs === undefined
      ? loop(undefined)
      : Effect.flatMap(Clock.currentTimeMillis, (now) => loop(now + timeoutMs))
    if (undo === undefined) return run
    // Leaving the protected region is where a pending interrupt lands: what was taken goes back.
    return Effect.flatMap(run, (r) =>
      r === TimedOut
        ? Effect.succeed(r)
        : Effect.onInterrupt(restore(Effect.succeed(r)), () => Effect.sync(() => undo(r as A))))
  })
}
