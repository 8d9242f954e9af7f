/**
 * Proxies of a shared Value and a shared Array.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { IndexError, OverflowError, TypeError } from "../domain/PythonErrors.ts"
import { type PyArray, Slice, type ValueCopy } from "../domain/values/PyObjects.ts"
import { BaseProxy } from "./BaseProxy.ts"

/** The proxy of a shared Value (one typed item). @category proxies @since 0.1.0 */
export class ValueProxy<A = unknown> extends BaseProxy {
  get(): Effect.Effect<A, CallError> {
    return this.call("get")
  }
  set(value: A): Effect.Effect<void, CallError> {
    return this.call("set", value)
  }
  override getValue(): Effect.Effect<ValueCopy, CallError> {
    return super.getValue() as Effect.Effect<ValueCopy, CallError>
  }
}

/** The proxy of a shared Array (typed items of one typecode). @category proxies @since 0.1.0 */
export class ArrayProxy<A extends number | bigint | string = number> extends BaseProxy {
  get(index: number): Effect.Effect<A, IndexError | CallError> {
    return this.call("__getitem__", index)
  }
  /** Sets an item; TypeError or OverflowError when it does not fit the typecode. */
  set(index: number, value: A): Effect.Effect<void, IndexError | TypeError | OverflowError | CallError> {
    return this.call("__setitem__", index, value)
  }
  slice(start: number | null, stop: number | null, step: number | null = null): Effect.Effect<PyArray, CallError> {
    return this.call("__getitem__", new Slice(start, stop, step))
  }
  length(): Effect.Effect<number, CallError> {
    return this.call("__len__")
  }
  /** A copy: the typecode and every item. */
  override getValue(): Effect.Effect<PyArray, CallError> {
    return super.getValue() as Effect.Effect<PyArray, CallError>
  }
}
