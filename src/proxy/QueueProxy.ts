/**
 * The proxy of a shared Queue or JoinableQueue, with CPython's semantics:
 * `put` and `get` block (as fibers, never threads) until there is room or an
 * item, or until their timeout, failing with QueueFull or QueueEmpty.
 * Interrupting a waiting `get` cancels it on the server: it takes no item.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { QueueEmpty, QueueFull, ValueError } from "../domain/PythonErrors.ts"
import { BaseProxy } from "./BaseProxy.ts"
import { type BlockingOptions, toSeconds } from "./Timeouts.ts"

/**
 * The proxy of a shared Queue or JoinableQueue.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Manager } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const manager = yield* Manager
 *   const jobs = yield* manager.Queue<string>({ maxsize: 100 })
 *   yield* jobs.put("resize image 1")
 *   const job = yield* jobs.get({ timeout: "1 second" })
 * })
 * ```
 * @category proxies
 * @since 0.1.0
 */
export class QueueProxy<A = unknown> extends BaseProxy {
  /** Adds an item, waiting for room when the queue is full (QueueFull after the timeout). */
  put(item: A, options: BlockingOptions = {}): Effect.Effect<void, QueueFull | CallError> {
    return this.call("put", item, options.block ?? true, toSeconds(options.timeout))
  }
  putNowait(item: A): Effect.Effect<void, QueueFull | CallError> {
    return this.call("put_nowait", item)
  }
  /** Takes the oldest item, waiting for one (QueueEmpty after the timeout). */
  get(options: BlockingOptions = {}): Effect.Effect<A, QueueEmpty | CallError> {
    return this.call("get", options.block ?? true, toSeconds(options.timeout))
  }
  getNowait(): Effect.Effect<A, QueueEmpty | CallError> {
    return this.call("get_nowait")
  }
  qsize(): Effect.Effect<number, CallError> {
    return this.call("qsize")
  }
  empty(): Effect.Effect<boolean, CallError> {
    return this.call("empty")
  }
  full(): Effect.Effect<boolean, CallError> {
    return this.call("full")
  }
  /** Marks one taken item as processed (ValueError when called more often than items were put). */
  taskDone(): Effect.Effect<void, ValueError | CallError> {
    return this.call("task_done")
  }
  /** Waits until every item put has been marked done. */
  join(): Effect.Effect<void, CallError> {
    return this.call("join")
  }
}
