/**
 * `threading.Semaphore` and `threading.BoundedSemaphore` for remote callers,
 * over a {@link SemaphoreState}. Permits are not owned, but each session's
 * net acquisitions are counted so that a session that ends (a lease
 * expires) gives back what it still held.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Eventually, map } from "../Eventually.ts"
import { ValueError } from "../PythonErrors.ts"
import { type Caller, withCaller } from "../Referent.ts"
import type { SemaphoreState } from "../state/Locks.ts"
import { semaphoreTimeout } from "../Timeout.ts"
import { retryUntil, TimedOut, type WaitRoom } from "../Waiting.ts"
import { SharedObject } from "./SharedObject.ts"

/** The initial value checked, as `threading.Semaphore(value)` checks it. @since 0.1.0 */
export const initialValue = (value: unknown = 1): number => {
  const n = Number(value ?? 1)
  if (!(n >= 0)) throw ValueError.make("semaphore initial value must be >= 0")
  return n
}

/** @since 0.1.0 */
export class Semaphore extends SharedObject<SemaphoreState> {
  readonly room: WaitRoom

  constructor(state: SemaphoreState, room: WaitRoom) {
    super(state)
    this.room = room
  }

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = null) => {
    const wait = semaphoreTimeout(blocking, timeout)
    return map(this.state.tryAcquire(caller.session, undefined), (r) => {
      if (r === true) return true
      if (wait === 0) return false
      return Effect.map(
        retryUntil(this.room, (w) => this.state.tryAcquire(caller.session, w), wait, () => this.state.release(caller.session, 1)),
        (got) => got !== TimedOut
      )
    })
  })

  readonly release = withCaller((caller: Caller, n: unknown = 1) => {
    const count = Number(n ?? 1)
    if (!(count >= 1)) throw ValueError.make("n must be one or more")
    return map(this.state.release(caller.session, count), (r) => {
      if (r === "over-bound") throw ValueError.make("Semaphore released too many times")
    })
  })

  /** Gives back a permit whose caller never saw the grant. */
  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) =>
    granted === true ? map(this.state.release(caller.session, 1), () => "undone") : "undone"
  )

  get_value(): Eventually<number> {
    return this.state.value()
  }
}

/** A Semaphore that cannot be released above its initial value (its state's bound). @since 0.1.0 */
export class BoundedSemaphore extends Semaphore {}
