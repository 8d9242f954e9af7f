/**
 * The proxy of a shared Barrier.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { BrokenBarrierError } from "../domain/PythonErrors.ts"
import { BaseProxy } from "./BaseProxy.ts"
import { type BlockingOptions, toSeconds } from "./Timeouts.ts"

/** The proxy of a shared Barrier. @category proxies @since 0.1.0 */
export class BarrierProxy extends BaseProxy {
  /** Waits for the other parties; gives this caller's arrival index (0 .. parties - 1). */
  wait(timeout?: BlockingOptions["timeout"]): Effect.Effect<number, BrokenBarrierError | CallError> {
    return this.call("wait", toSeconds(timeout))
  }
  /** Breaks the barrier: waits fail with BrokenBarrierError until `reset`. */
  abort(): Effect.Effect<void, CallError> {
    return this.call("abort")
  }
  /** Back to the initial state; callers waiting now fail with BrokenBarrierError. */
  reset(): Effect.Effect<void, CallError> {
    return this.call("reset")
  }
  parties(): Effect.Effect<number, CallError> {
    return this.call("__getattribute__", "parties")
  }
  nWaiting(): Effect.Effect<number, CallError> {
    return this.call("__getattribute__", "n_waiting")
  }
  broken(): Effect.Effect<boolean, CallError> {
    return this.call("__getattribute__", "broken")
  }
}
