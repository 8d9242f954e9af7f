/**
 * The proxy of a shared set (CPython 3.14's SetProxy).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { KeyError } from "../domain/PythonErrors.ts"
import type { PySet } from "../domain/values/PySet.ts"
import { BaseProxy } from "./BaseProxy.ts"

/** The proxy of a shared set. @category proxies @since 0.1.0 */
export class SetProxy<A = unknown> extends BaseProxy {
  add(item: A): Effect.Effect<void, CallError> {
    return this.call("add", item)
  }
  /** Removes `item` when present. */
  discard(item: A): Effect.Effect<void, CallError> {
    return this.call("discard", item)
  }
  /** Removes `item`, or KeyError when absent. */
  remove(item: A): Effect.Effect<void, KeyError | CallError> {
    return this.call("remove", item)
  }
  has(item: A): Effect.Effect<boolean, CallError> {
    return this.call("__contains__", item)
  }
  size(): Effect.Effect<number, CallError> {
    return this.call("__len__")
  }
  /** Removes and gives some item, or KeyError when empty. */
  pop(): Effect.Effect<A, KeyError | CallError> {
    return this.call("pop")
  }
  update(items: Iterable<A>): Effect.Effect<void, CallError> {
    return this.call("update", [...items])
  }
  clear(): Effect.Effect<void, CallError> {
    return this.call("clear")
  }
  union(items: Iterable<A>): Effect.Effect<PySet<A>, CallError> {
    return this.call("union", [...items])
  }
  intersection(items: Iterable<A>): Effect.Effect<PySet<A>, CallError> {
    return this.call("intersection", [...items])
  }
  difference(items: Iterable<A>): Effect.Effect<PySet<A>, CallError> {
    return this.call("difference", [...items])
  }
  override getValue(): Effect.Effect<PySet<A>, CallError> {
    return super.getValue() as Effect.Effect<PySet<A>, CallError>
  }
}
