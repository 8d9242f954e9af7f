/**
 * `threading.Event` for remote callers: `wait` suspends until the flag is set
 * or the timeout passes, and returns the flag.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { waitTimeout } from "../Timeout.ts"
import { Waiters } from "../Waiters.ts"

/** @since 0.1.0 */
export class Event {
  private flag = false
  private readonly waiters = new Waiters()

  is_set(): boolean {
    return this.flag
  }

  set(): void {
    this.flag = true
    this.waiters.notifyAll()
  }

  clear(): void {
    this.flag = false
  }

  wait(timeout: unknown = null): boolean | Effect.Effect<boolean> {
    if (this.flag) return true
    const wait = waitTimeout(timeout)
    if (wait === 0) return false
    // Woken means set() ran, even if clear() followed before this caller resumed (CPython's rule).
    return this.waiters.wait(wait)
  }

  toString(): string {
    return `<Event ${this.flag ? "set" : "unset"}>`
  }
}

/** What EventProxy exposes. @since 0.1.0 */
export const eventExposed: ReadonlyArray<string> = ["is_set", "set", "clear", "wait"]
