/**
 * `threading.Lock` and `threading.RLock` for remote callers, over a
 * {@link LockState}. A Lock may be released by any caller (as in CPython);
 * an RLock belongs to the caller that acquired it and is re-entrant for that
 * caller only. When a caller's session ends (a lease expires), what its
 * callers held is released by the backend. A grant whose caller gave up
 * before the reply reached it is given back by `__undo_acquire__`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Eventually, map } from "../Eventually.ts"
import { RuntimeError } from "../PythonErrors.ts"
import { type Caller, withCaller } from "../Referent.ts"
import type { LockState } from "../state/Locks.ts"
import { lockTimeout } from "../Timeout.ts"
import { retryUntil, TimedOut, type WaitRoom } from "../Waiting.ts"
import { SharedObject } from "./SharedObject.ts"

/**
 * Acquires `lock` for `caller`, waiting as `wait` says (milliseconds, 0 not
 * at all, undefined forever); true when acquired.
 *
 * @since 0.1.0
 */
export const acquireLock = (lock: LockState, room: WaitRoom, caller: Caller, wait: number | undefined): Eventually<boolean> =>
  map(lock.tryAcquire(caller, undefined), (r) => {
    if (r === true) return true
    if (wait === 0) return false
    return Effect.map(
      retryUntil(room, (w) => lock.tryAcquire(caller, w), wait, () => lock.release(caller)),
      (got) => got !== TimedOut
    )
  })

/** Releases one level of `lock` for `caller`, with CPython's errors. @since 0.1.0 */
export const releaseLock = (lock: LockState, caller: Caller): Eventually<void> =>
  map(lock.release(caller), (r) => {
    if (r === "released") return
    throw RuntimeError.make(lock.reentrant ? "cannot release un-acquired lock" : "release unlocked lock")
  })

/** Gives back one level of a grant its caller never saw (unless the lock has changed hands since). @since 0.1.0 */
export const undoAcquire = (lock: LockState, caller: Caller, granted: unknown): Eventually<string> => {
  if (granted !== true) return "undone"
  return map(lock.ownedBy(caller), (owned) => (owned ? map(lock.release(caller), () => "undone") : "undone"))
}

/** @since 0.1.0 */
export class Lock extends SharedObject<LockState> {
  readonly room: WaitRoom

  constructor(state: LockState, room: WaitRoom) {
    super(state)
    this.room = room
  }

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = -1) =>
    acquireLock(this.state, this.room, caller, lockTimeout(blocking, timeout))
  )

  readonly release = withCaller((caller: Caller) => releaseLock(this.state, caller))

  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) => undoAcquire(this.state, caller, granted))

  locked(): Eventually<boolean> {
    return this.state.locked()
  }
}

/** The same, re-entrant (its state says so). @since 0.1.0 */
export class RLock extends Lock {}

/** What AcquirerProxy exposes for Lock, RLock, Semaphore and BoundedSemaphore. @since 0.1.0 */
export const acquirerExposed: ReadonlyArray<string> = ["acquire", "release", "locked"]

/** How a completed acquire that its caller gave up on is undone. @since 0.1.0 */
export const acquirerUndo: Readonly<Record<string, string>> = { acquire: "__undo_acquire__" }
