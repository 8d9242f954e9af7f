/**
 * `threading.Condition` for remote callers, over an RLock (the default) or a
 * shared Lock. `wait` releases the lock, waits for `notify` or the timeout,
 * and re-acquires it; `wait_for` runs on the client as a loop of remote waits,
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
import { RuntimeError } from "../PythonErrors.ts"
import { type Caller, releaseSession, withCaller } from "../Referent.ts"
import { waitTimeout } from "../Timeout.ts"
import { Waiters } from "../Waiters.ts"
import { Lock, RLock } from "./Lock.ts"

/** @since 0.1.0 */
export class Condition {
  readonly lock: RLock | Lock
  private readonly waiters = new Waiters()

  constructor(lock: RLock | Lock = new RLock()) {
    this.lock = lock
  }

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = -1) =>
    this.lock.acquire(caller, blocking, timeout)
  )

  readonly release = withCaller((caller: Caller) =>
    this.lock instanceof RLock ? this.lock.release(caller) : this.lock.release()
  )

  readonly wait = withCaller((caller: Caller, timeout: unknown = null) => {
    if (!this.isOwned(caller)) throw RuntimeError.make("cannot wait on un-acquired lock")
    const ms = waitTimeout(timeout)
    // A timeout of zero or less is a non-blocking attempt: nobody can notify in between.
    if (ms === 0) return false
    const lock = this.lock
    const saved = lock instanceof RLock ? lock.releaseAll(caller) : (lock.release(), 1)
    // Taking the lock back must wait until the wait is over: build it lazily.
    const reacquire = Effect.suspend(() => {
      if (lock instanceof RLock) return lock.restore(caller, saved)
      const r = lock.acquire(caller, true, -1)
      return Effect.isEffect(r) ? Effect.asVoid(r) : Effect.void
    })
    let notified = false
    return Effect.uninterruptibleMask((restore) =>
      Effect.flatMap(
        restore(this.waiters.wait(ms, () => {
          notified = true
        })),
        (woken) => Effect.as(restore(reacquire), woken)
      ).pipe(
        // A waiter cancelled after a notify picked it passes the notify on: its wait had no effect.
        Effect.onInterrupt(() =>
          Effect.sync(() => {
            if (notified) this.waiters.notify(1)
          })
        )
      )
    )
  })

  /** Gives back the lock a completed `wait` took again, when its caller gave up on the reply. */
  readonly __undo_wait__ = withCaller((caller: Caller) => {
    this.lock.releaseFully(caller)
    return "undone"
  })

  /** Gives back a grant its caller never saw. */
  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) => this.lock.__undo_acquire__(caller, granted))

  readonly notify = withCaller((caller: Caller, n: unknown = 1) => {
    if (!this.isOwned(caller)) throw RuntimeError.make("cannot notify on un-acquired lock")
    this.waiters.notify(Number(n ?? 1))
  })

  readonly notify_all = withCaller((caller: Caller) => {
    if (!this.isOwned(caller)) throw RuntimeError.make("cannot notify on un-acquired lock")
    this.waiters.notifyAll()
  })

  toString(): string {
    return `<Condition(${this.lock}, ${this.waiters.size})>`
  }

  [releaseSession](session: string): void {
    this.lock[releaseSession](session)
  }

  private isOwned(caller: Caller): boolean {
    // A plain Lock has no owner: CPython treats it as owned whenever it is locked.
    return this.lock instanceof RLock ? this.lock.isOwnedBy(caller) : this.lock.locked()
  }
}

/** What ConditionProxy exposes. @since 0.1.0 */
export const conditionExposed: ReadonlyArray<string> = ["acquire", "release", "wait", "notify", "notify_all"]

/** How completed Condition calls that their callers gave up on are undone. @since 0.1.0 */
export const conditionUndo: Readonly<Record<string, string>> = { acquire: "__undo_acquire__", wait: "__undo_wait__" }
