/**
 * The proxy of a shared Event.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import { BaseProxy } from "./BaseProxy.ts"
import { type BlockingOptions, toSeconds } from "./Timeouts.ts"

/** The proxy of a shared Event. @category proxies @since 0.1.0 */
export class EventProxy extends BaseProxy {
  set(): Effect.Effect<void, CallError> {
    return this.call("set")
  }
  clear(): Effect.Effect<void, CallError> {
    return this.call("clear")
  }
  isSet(): Effect.Effect<boolean, CallError> {
    return this.call("is_set")
  }
  /** Waits until set (true) or the timeout passes (false). */
  wait(timeout?: BlockingOptions["timeout"]): Effect.Effect<boolean, CallError> {
    return this.call("wait", toSeconds(timeout))
  }
}
