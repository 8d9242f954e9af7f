/**
 * The proxy of a shared Condition. `wait` releases the lock, waits for a
 * notify or the timeout, and takes the lock back; `waitFor` loops on the
 * client over remote waits, as CPython's ConditionProxy does.
 *
 * @since 0.1.0
 */
import { Clock, Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { RuntimeError } from "../domain/PythonErrors.ts"
import { AcquirerProxy } from "./AcquirerProxy.ts"
import { type BlockingOptions, toSeconds } from "./Timeouts.ts"

/** The proxy of a shared Condition: a lock with `wait`, `waitFor`, `notify` and `notifyAll`. @category proxies @since 0.1.0 */
export class ConditionProxy extends AcquirerProxy {
  /** Waits for a notify (true) or the timeout (false). The caller must hold the lock. */
  wait(timeout?: BlockingOptions["timeout"]): Effect.Effect<boolean, RuntimeError | CallError> {
    return this.call("wait", toSeconds(timeout))
  }
  /**
   * Waits until `predicate` holds, re-checking after each notify; gives the
   * predicate's last result (false when the timeout passed first).
   */
  waitFor<E, R>(
    predicate: Effect.Effect<boolean, E, R>,
    timeout?: BlockingOptions["timeout"]
  ): Effect.Effect<boolean, E | RuntimeError | CallError, R> {
    const seconds = toSeconds(timeout)
    const self = this
    return Effect.gen(function*() {
      const deadline = seconds === null ? undefined : (yield* Clock.currentTimeMillis) + seconds * 1000
      let result = yield* predicate
      while (!result) {
        let wait: number | null = null
        if (deadline !== undefined) {
          wait = (deadline - (yield* Clock.currentTimeMillis)) / 1000
          if (wait <= 0) break
        }
        yield* self.wait(wait === null ? undefined : wait * 1000)
        result = yield* predicate
      }
      return result
    })
  }
  /** Wakes up to `n` waiters. The caller must hold the lock. */
  notify(n = 1): Effect.Effect<void, RuntimeError | CallError> {
    return this.call("notify", n)
  }
  /** Wakes every waiter. The caller must hold the lock. */
  notifyAll(): Effect.Effect<void, RuntimeError | CallError> {
    return this.call("notify_all")
  }
}
