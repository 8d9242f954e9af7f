/**
 * The state of Event, Condition and Barrier: the primitives whose waiters
 * are released together, by a set, a notify or the last party's arrival.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import type { Caller } from "../Referent.ts"
import type { NotYet, Waiter } from "../Waiting.ts"
import type { StateBase } from "./Base.ts"
import type { LockState } from "./Locks.ts"

/**
 * An Event: a flag, and waiters woken when it is set.
 *
 * @category models
 * @since 0.1.0
 */
export interface EventState extends StateBase {
  readonly isSet: () => Eventually<boolean>
  /** Sets the flag and wakes every waiter. */
  readonly set: () => Eventually<void>
  readonly clear: () => Eventually<void>
  /** True when set; otherwise registers `waiter`. A waiter woken by `set` was set, whatever followed. */
  readonly tryWait: (waiter: Waiter | undefined) => Eventually<true | NotYet>
}

/**
 * A Condition over its lock's state.
 *
 * @category models
 * @since 0.1.0
 */
export interface ConditionState extends StateBase {
  readonly lock: LockState
  /**
   * Releases every level of the lock `caller` holds and registers `waiter`,
   * in one step, so that no notify falls between them; gives the levels to
   * restore.
   */
  readonly releaseAndWait: (caller: Caller, waiter: Waiter) => Eventually<number>
  /** Wakes up to `n` waiters, oldest first. */
  readonly notify: (n: number) => Eventually<void>
  readonly notifyAll: () => Eventually<void>
  readonly waiting: () => Eventually<number>
}

/** What became of a Barrier pass once it is over. @category models @since 0.1.0 */
export type PassOutcome = "released" | "broken"

/**
 * A Barrier: parties arrive in passes; the last one releases the pass.
 *
 * @category models
 * @since 0.1.0
 */
export interface BarrierState extends StateBase {
  readonly parties: number
  /**
   * Arrives in the current pass: gives its number and the caller's arrival
   * index, and whether the caller is the last (then nobody is registered);
   * `"broken"` when the barrier is broken.
   */
  readonly arrive: (waiter: Waiter) => Eventually<{ readonly pass: number; readonly index: number; readonly last: boolean } | "broken">
  /** Releases pass `pass` (its last party, after the action): every waiter of it is woken. */
  readonly release: (pass: number) => Eventually<void>
  /** Breaks pass `pass` (a timeout, a failed action) and the barrier: its waiters are woken. */
  readonly breakPass: (pass: number) => Eventually<void>
  /** What became of pass `pass`; a waiter still filling registers `waiter` again. */
  readonly outcome: (pass: number, waiter: Waiter | undefined) => Eventually<PassOutcome | NotYet>
  /** A cancelled party leaves pass `pass` while it is still filling. */
  readonly leave: (pass: number) => Eventually<void>
  readonly abort: () => Eventually<void>
  readonly reset: () => Eventually<void>
  readonly waiting: () => Eventually<number>
  readonly broken: () => Eventually<boolean>
}
