/**
 * The state of a Queue (and JoinableQueue): a FIFO of items with an optional
 * bound, the count of unfinished tasks, and three kinds of waiters (getters,
 * putters, joiners). Each operation is atomic; one that cannot proceed
 * registers the waiter it is given, in the same step.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import type { NotYet, Waiter } from "../Waiting.ts"
import type { StateBase } from "./Base.ts"

/**
 * @category models
 * @since 0.1.0
 */
export interface QueueState extends StateBase {
  /** 0 for unbounded. */
  readonly maxsize: number
  readonly size: () => Eventually<number>
  /** Appends `item` unless the queue is full (then registers `waiter`); wakes a getter. */
  readonly tryPut: (item: unknown, waiter: Waiter | undefined) => Eventually<true | NotYet>
  /** Takes the oldest item unless empty (then registers `waiter`); wakes a putter. */
  readonly tryGet: (waiter: Waiter | undefined) => Eventually<{ readonly item: unknown } | NotYet>
  /** One task done: `"ok"`, or `"too-many"` when none is unfinished. At none left, wakes every joiner. */
  readonly taskDone: () => Eventually<"ok" | "too-many">
  /** True when no task is unfinished; otherwise registers `waiter`. */
  readonly tryJoin: (waiter: Waiter | undefined) => Eventually<true | NotYet>
  /** Puts back, at the head, an item a cancelled get took (it is still unfinished). */
  readonly unget: (item: unknown) => Eventually<void>
  /** Takes out the newest item equal to `item`, the item of a cancelled put; false when it is gone. */
  readonly unput: (item: unknown) => Eventually<boolean>
}
