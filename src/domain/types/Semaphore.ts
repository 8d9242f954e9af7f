/**
 * `threading.Semaphore` and `threading.BoundedSemaphore` for remote callers.
 * Permits are not owned, but each session's net acquisitions are counted so
 * that a session that ends (a lease expires) gives back what it still held.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { ValueError } from "../PythonErrors.ts"
import { type Caller, releaseSession, withCaller } from "../Referent.ts"
import { semaphoreTimeout } from "../Timeout.ts"
import { NotYet, retryUntil, TimedOut, Waiters } from "../Waiters.ts"

/** @since 0.1.0 */
export class Semaphore {
  protected value: number
  private readonly heldBySession = new Map<string, number>()
  private readonly waiters = new Waiters()

  constructor(value: unknown = 1) {
    const n = Number(value ?? 1)
    if (!(n >= 0)) throw ValueError.make("semaphore initial value must be >= 0")
    this.value = n
  }

  readonly acquire = withCaller((caller: Caller, blocking: unknown = true, timeout: unknown = null) => {
    const wait = semaphoreTimeout(blocking, timeout)
    const attempt = (): true | NotYet => {
      if (this.value <= 0) return NotYet
      this.value--
      this.heldBySession.set(caller.session, (this.heldBySession.get(caller.session) ?? 0) + 1)
      return true
    }
    if (attempt() === true) return true
    if (wait === 0) return false
    return Effect.map(
      retryUntil(this.waiters, attempt, wait, () => this.giveBack(caller.session, 1)),
      (r: true | TimedOut) => r === true
    )
  })

  /** Gives back a permit whose caller never saw the grant. */
  readonly __undo_acquire__ = withCaller((caller: Caller, granted: unknown) => {
    if (granted === true) this.giveBack(caller.session, 1)
    return "undone"
  })

  readonly release = withCaller((caller: Caller, n: unknown = 1) => {
    const count = Number(n ?? 1)
    if (!(count >= 1)) throw ValueError.make("n must be one or more")
    this.checkRelease(count)
    const held = this.heldBySession.get(caller.session) ?? 0
    if (held > 0) {
      const left = held - Math.min(held, count)
      if (left === 0) this.heldBySession.delete(caller.session)
      else this.heldBySession.set(caller.session, left)
    }
    this.value += count
    this.waiters.notify(count)
  })

  get_value(): number {
    return this.value
  }

  [releaseSession](session: string): void {
    const held = this.heldBySession.get(session)
    if (held === undefined) return
    this.giveBack(session, held)
  }

  // A permit the session acquired goes back (the bound was checked when it was taken).
  private giveBack(session: string, n: number): void {
    const held = this.heldBySession.get(session) ?? 0
    const left = held - Math.min(held, n)
    if (left === 0) this.heldBySession.delete(session)
    else this.heldBySession.set(session, left)
    this.value += n
    this.waiters.notify(n)
  }

  toString(): string {
    return `<${this.constructor.name} value=${this.value}>`
  }

  protected checkRelease(_count: number): void {}
}

/** A Semaphore that cannot be released above its initial value. @since 0.1.0 */
export class BoundedSemaphore extends Semaphore {
  private readonly initial: number

  constructor(value: unknown = 1) {
    super(value)
    this.initial = this.value
  }

  protected override checkRelease(count: number): void {
    if (this.value + count > this.initial) throw ValueError.make("Semaphore released too many times")
  }
}
