/**
 * `threading.Condition` for remote callers, over a {@link ConditionState}
 * and its lock's state (an RLock of its own, or a shared Lock or RLock).
 * `wait` releases the lock, waits for `notify` or the timeout, and
 * re-acquires it; `wait_for` runs on the client as a loop of remote waits,
 * as CPython's ConditionProxy does.
 *
 * A wait that is cancelled does not re-acquire the lock: its caller is gone or
 * has given up, and holding the lock for it could only deadlock others. A
 * notify that picked a waiter which is then cancelled goes to the next one;
 * a wait that completed after its caller gave up releases the lock again
 * (`__undo_wait__`), so either way the caller ends without the lock.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Eventually, map } from "../Eventually.ts"
import { RuntimeError } from "../PythonErrors.ts"
import { type Caller, withCaller } from "../Referent.ts"
import type { ConditionState } from "../state/Signals.ts"
import { lockTimeout, waitTimeout } from "../Timeout.ts"
import { retryUntil, step, toEffect, type WaitRoom } from "../Waiting.ts"
import { acquireLock, releaseLock, undoAcquire } from "./Lock.ts"
import { SharedObject } from "./SharedObject.ts"

/** @since 0.1.0 */
export class Condition extends SharedObject<ConditionState> {
  readonly room: WaitRoom

  constructor(state: ConditionState, room: WaitRoom) {
    super(state)
    this.room = room
  }

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = -1) =>
    acquireLock(this.state.lock, this.room, caller, lockTimeout(blocking, timeout))
  )

  readonly release = withCaller((caller: Caller) => releaseLock(this.state.lock, caller))

  readonly wait = withCaller((caller: Caller, timeout: unknown = null) =>
    map(this.owned(caller), (owned) => {
      if (!owned) throw RuntimeError.make("cannot wait on un-acquired lock")
      const ms = waitTimeout(timeout)
      // A timeout of zero or less is a non-blocking attempt: nobody can notify in between.
      if (ms === 0) return false
      const { lock } = this.state
      return Effect.uninterruptibleMask((restore) => {
        const waiter = this.room.waiter()
        return step(this.state.releaseAndWait(caller, waiter), (levels) =>
          Effect.flatMap(
            Effect.onInterrupt(restore(this.room.wait(waiter, ms)), () => Effect.suspend(() => toEffect(this.room.leave(waiter)))),
            (woken) => {
              // Taking the lock back waits as long as it takes, and may be cancelled too.
              const reacquire = step(woken ? undefined : this.room.leave(waiter), () =>
                step(lock.tryRestore(caller, levels, undefined), (r) =>
                  r === true
                    ? Effect.void
                    : Effect.asVoid(retryUntil(this.room, (w) => lock.tryRestore(caller, levels, w), undefined, () => lock.releaseAll(caller)))))
              return Effect.as(
                Effect.onInterrupt(restore(reacquire), () =>
                  // Cancelled after a notify picked it: the notify goes to the next waiter.
                  woken ? Effect.suspend(() => toEffect(this.state.notify(1))) : Effect.void),
                woken
              )
            }
          ))
      })
    })
  )

  readonly notify = withCaller((caller: Caller, n: unknown = 1) =>
    map(this.owned(caller), (owned) => {
      if (!owned) throw RuntimeError.make("cannot notify on un-acquired lock")
      return this.state.notify(Number(n ?? 1))
    })
  )

  readonly notify_all = withCaller((caller: Caller) =>
    map(this.owned(caller), (owned) => {
      if (!owned) throw RuntimeError.make("cannot notify on un-acquired lock")
      return this.state.notifyAll()
    })
  )

  /** Gives back the lock a completed `wait` took again, when its caller gave up on the reply. */
  readonly __undo_wait__ = withCaller((caller: Caller) => map(this.state.lock.releaseAll(caller), () => "undone"))

  /** Gives back a grant its caller never saw. */
  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) => undoAcquire(this.state.lock, caller, granted))

  private owned(caller: Caller): Eventually<boolean> {
    // A plain Lock has no owner: CPython treats it as owned whenever it is locked.
    return this.state.lock.reentrant ? this.state.lock.ownedBy(caller) : this.state.lock.locked()
  }
}

/** What ConditionProxy exposes. @since 0.1.0 */
export const conditionExposed: ReadonlyArray<string> = ["acquire", "release", "wait", "notify", "notify_all"]

/** How completed Condition calls that their callers gave up on are undone. @since 0.1.0 */
export const conditionUndo: Readonly<Record<string, string>> = { acquire: "__undo_acquire__", wait: "__undo_wait__" }

