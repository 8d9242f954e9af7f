/**
 * The state of Lock, RLock, Semaphore and BoundedSemaphore. Ownership
 * belongs to a caller (a session and a fiber in it); a plain Lock may be
 * released by any caller, as in CPython. What a session holds is known, so
 * that when its lease expires everything it held is released.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import type { Caller } from "../Referent.ts"
import type { NotYet, Waiter } from "../Waiting.ts"
import type { StateBase } from "./Base.ts"

/**
 * A Lock (`reentrant: false`) or an RLock (`reentrant: true`).
 *
 * @category models
 * @since 0.1.0
 */
export interface LockState extends StateBase {
  readonly reentrant: boolean
  /** Takes the lock (an RLock again, for its owner) unless another holds it; then registers `waiter`. */
  readonly tryAcquire: (caller: Caller, waiter: Waiter | undefined) => Eventually<true | NotYet>
  /**
   * Releases one level: `"unlocked"` when it was not held, `"not-owner"`
   * when an RLock is held by another caller.
   */
  readonly release: (caller: Caller) => Eventually<"released" | "unlocked" | "not-owner">
  /** Releases every level `caller` holds (none when it does not hold it); gives how many. */
  readonly releaseAll: (caller: Caller) => Eventually<number>
  /** Takes the lock at a saved level (a Condition's wait ending) unless another holds it; then registers `waiter`. */
  readonly tryRestore: (caller: Caller, levels: number, waiter: Waiter | undefined) => Eventually<true | NotYet>
  readonly locked: () => Eventually<boolean>
  readonly ownedBy: (caller: Caller) => Eventually<boolean>
  /** Releases what `session`'s callers hold (its lease expired). */
  readonly releaseSession: (session: string) => Eventually<void>
}

/**
 * A Semaphore, or a BoundedSemaphore (`bound` its initial value).
 *
 * @category models
 * @since 0.1.0
 */
export interface SemaphoreState extends StateBase {
  readonly bound: number | undefined
  /** Takes a permit for `session` unless none is left; then registers `waiter`. */
  readonly tryAcquire: (session: string, waiter: Waiter | undefined) => Eventually<true | NotYet>
  /** Gives back `n` permits: `"over-bound"` (and nothing changes) past a BoundedSemaphore's bound. */
  readonly release: (session: string, n: number) => Eventually<"released" | "over-bound">
  readonly value: () => Eventually<number>
  /** Gives back the permits `session` still holds (its lease expired). */
  readonly releaseSession: (session: string) => Eventually<void>
}
