/**
 * Proxies of the shared Lock, RLock, Semaphore and BoundedSemaphore
 * (CPython's AcquirerProxy). `acquire` suspends the fiber, not a thread;
 * interrupting it cancels the wait on the server and leaves the lock free.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { RuntimeError, ValueError } from "../domain/PythonErrors.ts"
import { BaseProxy } from "./BaseProxy.ts"
import { type BlockingOptions, toSeconds } from "./Timeouts.ts"

/** Options of `acquire`. @category models @since 0.1.0 */
export interface AcquireOptions {
  /** false: give up at once when not available (default true). */
  readonly blocking?: boolean | undefined
  readonly timeout?: BlockingOptions["timeout"]
}

// As CPython's AcquirerProxy: the timeout is sent only when there is one.
const acquireArgs = (options: AcquireOptions): ReadonlyArray<unknown> => {
  const timeout = toSeconds(options.timeout)
  return timeout === null ? [options.blocking ?? true] : [options.blocking ?? true, timeout]
}

/** What every lock-like proxy offers: `acquire`, `release` and `withLock`. @category proxies @since 0.1.0 */
export class AcquirerProxy extends BaseProxy {
  /** Acquires, waiting as allowed; true when acquired. */
  acquire(options: AcquireOptions = {}): Effect.Effect<boolean, ValueError | CallError> {
    return this.core.call("acquire", acquireArgs(options)) as Effect.Effect<boolean, ValueError | CallError>
  }
  /** Releases (RuntimeError when not held, or, for RLock, not held by this fiber). */
  release(): Effect.Effect<void, RuntimeError | ValueError | CallError> {
    return this.call("release")
  }
  /**
   * Runs `effect` holding the lock: acquired before, released after, on
   * success, failure or interruption.
   */
  withLock<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | ValueError | CallError, R> {
    return Effect.acquireUseRelease(
      this.acquire(),
      () => effect,
      // The lock may already be gone (a lease expired, the object released): nothing left to give back.
      () => Effect.ignore(this.release())
    )
  }
}

/** The proxy of a shared Lock. @category proxies @since 0.1.0 */
export class LockProxy extends AcquirerProxy {
  locked(): Effect.Effect<boolean, CallError> {
    return this.call("locked")
  }
}

/** The proxy of a shared RLock: re-entrant for the fiber that holds it. @category proxies @since 0.1.0 */
export class RLockProxy extends AcquirerProxy {}

/** The proxy of a shared Semaphore or BoundedSemaphore. @category proxies @since 0.1.0 */
export class SemaphoreProxy extends AcquirerProxy {
  /** Gives back `n` permits (ValueError past a BoundedSemaphore's initial value). */
  releaseN(n: number): Effect.Effect<void, ValueError | CallError> {
    return this.call("release", n)
  }
  /** The permits available now. */
  value(): Effect.Effect<number, CallError> {
    return this.call("get_value")
  }
}
