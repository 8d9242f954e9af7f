/**
 * `threading.Lock` and `threading.RLock` for remote callers. A Lock may be
 * released by any caller (as in CPython); an RLock belongs to the caller that
 * acquired it and is re-entrant for that caller only. When a caller's session
 * ends (a lease expires), what its callers held is released. A grant whose
 * caller gave up before the reply reached it is given back by
 * `__undo_acquire__`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { RuntimeError } from "../PythonErrors.ts"
import { type Caller, releaseSession, withCaller } from "../Referent.ts"
import { lockTimeout } from "../Timeout.ts"
import { NotYet, retryUntil, TimedOut, Waiters } from "../Waiters.ts"

const acquireResult = (r: true | TimedOut): boolean => r === true

/** @since 0.1.0 */
export class Lock {
  private owner: Caller | undefined
  private held = false
  private readonly waiters = new Waiters()

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = -1) => {
    const wait = lockTimeout(blocking, timeout)
    const attempt = (): true | NotYet => {
      if (this.held) return NotYet
      this.held = true
      this.owner = caller
      return true
    }
    if (attempt() === true) return true
    if (wait === 0) return false
    return Effect.map(retryUntil(this.waiters, attempt, wait, () => this.unlock()), acquireResult)
  })

  /** Gives back a grant its caller never saw (unless the lock has changed hands since). */
  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) => {
    if (granted === true) this.releaseFully(caller)
    return "undone"
  })

  /** Releases the lock if `caller` holds it. */
  releaseFully(caller: Caller): void {
    if (this.held && this.owner?.key === caller.key) this.unlock()
  }

  release(): void {
    if (!this.held) throw RuntimeError.make("release unlocked lock")
    this.unlock()
  }

  locked(): boolean {
    return this.held
  }

  [releaseSession](session: string): void {
    if (this.held && this.owner?.session === session) this.unlock()
  }

  toString(): string {
    return `<Lock ${this.held ? "locked" : "unlocked"}>`
  }

  private unlock(): void {
    this.held = false
    this.owner = undefined
    this.waiters.notify(1)
  }
}

/** @since 0.1.0 */
export class RLock {
  private owner: Caller | undefined
  private count = 0
  private readonly waiters = new Waiters()

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = -1) => {
    const wait = lockTimeout(blocking, timeout)
    const attempt = (): true | NotYet => {
      if (this.count > 0 && this.owner?.key !== caller.key) return NotYet
      this.owner = caller
      this.count++
      return true
    }
    if (attempt() === true) return true
    if (wait === 0) return false
    return Effect.map(retryUntil(this.waiters, attempt, wait, () => this.releaseOnce(caller)), acquireResult)
  })

  /** Gives back one level of a grant its caller never saw. */
  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) => {
    if (granted === true) this.releaseOnce(caller)
    return "undone"
  })

  readonly release = withCaller((caller: Caller) => {
    if (this.count === 0 || this.owner?.key !== caller.key) throw RuntimeError.make("cannot release un-acquired lock")
    this.count--
    if (this.count === 0) this.unlock()
  })

  private releaseOnce(caller: Caller): void {
    if (this.count === 0 || this.owner?.key !== caller.key) return
    this.count--
    if (this.count === 0) this.unlock()
  }

  /** True when `caller` holds the lock (Condition checks this). */
  isOwnedBy(caller: Caller): boolean {
    return this.count > 0 && this.owner?.key === caller.key
  }

  /** Releases completely, returning the recursion level to restore (Condition.wait). */
  releaseAll(caller: Caller): number {
    if (!this.isOwnedBy(caller)) throw RuntimeError.make("cannot release un-acquired lock")
    const count = this.count
    this.count = 0
    this.unlock()
    return count
  }

  /** Re-acquires at a saved recursion level, waiting as long as it takes. */
  restore(caller: Caller, count: number): Effect.Effect<void> {
    const attempt = (): true | NotYet => {
      if (this.count > 0 && this.owner?.key !== caller.key) return NotYet
      this.owner = caller
      this.count = count
      return true
    }
    return Effect.asVoid(retryUntil(this.waiters, attempt, undefined, () => this.releaseFully(caller)))
  }

  /** Releases every level `caller` holds, if it holds the lock. */
  releaseFully(caller: Caller): void {
    if (this.count === 0 || this.owner?.key !== caller.key) return
    this.count = 0
    this.unlock()
  }

  [releaseSession](session: string): void {
    if (this.count > 0 && this.owner?.session === session) {
      this.count = 0
      this.unlock()
    }
  }

  toString(): string {
    return `<RLock owner=${this.owner?.key ?? "None"} count=${this.count}>`
  }

  private unlock(): void {
    this.owner = undefined
    this.waiters.notify(1)
  }
}

/** What AcquirerProxy exposes for Lock, RLock, Semaphore and BoundedSemaphore. @since 0.1.0 */
export const acquirerExposed: ReadonlyArray<string> = ["acquire", "release", "locked"]

/** How a completed acquire that its caller gave up on is undone. @since 0.1.0 */
export const acquirerUndo: Readonly<Record<string, string>> = { acquire: "__undo_acquire__" }
