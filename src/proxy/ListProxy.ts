/**
 * The proxy of a shared list, with Python's list methods: negative indices,
 * slices, Python equality for `index`/`count`/`remove`, Python ordering for
 * `sort`.
 *
 * @since 0.1.0
 */
import type { Effect, Scope } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { IndexError, TypeError, ValueError } from "../domain/PythonErrors.ts"
import { Slice } from "../domain/values/PyObjects.ts"
import { BaseProxy } from "./BaseProxy.ts"
import type { IteratorProxy } from "./IteratorProxy.ts"

/** The proxy of a shared list, with Python's list methods and negative indices. @category proxies @since 0.1.0 */
export class ListProxy<A = unknown> extends BaseProxy {
  /** `l[index]`; negative indices count from the end. */
  get(index: number): Effect.Effect<A, IndexError | CallError> {
    return this.call("__getitem__", index)
  }
  /** `l[index] = value`. */
  set(index: number, value: A): Effect.Effect<void, IndexError | CallError> {
    return this.call("__setitem__", index, value)
  }
  /** `del l[index]`. */
  delete(index: number): Effect.Effect<void, IndexError | CallError> {
    return this.call("__delitem__", index)
  }
  /** `l[start:stop:step]`. */
  slice(start: number | null, stop: number | null, step: number | null = null): Effect.Effect<Array<A>, CallError> {
    return this.call("__getitem__", new Slice(start, stop, step))
  }
  /** `l[start:stop:step] = values`. */
  setSlice(start: number | null, stop: number | null, values: ReadonlyArray<A>, step: number | null = null): Effect.Effect<void, ValueError | CallError> {
    return this.call("__setitem__", new Slice(start, stop, step), values)
  }
  /** `del l[start:stop:step]`. */
  deleteSlice(start: number | null, stop: number | null, step: number | null = null): Effect.Effect<void, CallError> {
    return this.call("__delitem__", new Slice(start, stop, step))
  }
  length(): Effect.Effect<number, CallError> {
    return this.call("__len__")
  }
  includes(value: A): Effect.Effect<boolean, CallError> {
    return this.call("__contains__", value)
  }
  append(value: A): Effect.Effect<void, CallError> {
    return this.call("append", value)
  }
  extend(values: Iterable<A>): Effect.Effect<void, CallError> {
    return this.call("extend", [...values])
  }
  insert(index: number, value: A): Effect.Effect<void, CallError> {
    return this.call("insert", index, value)
  }
  /** Removes and gives the item at `index` (default the last). */
  pop(index = -1): Effect.Effect<A, IndexError | CallError> {
    return this.call("pop", index)
  }
  /** Removes the first item equal to `value`, or ValueError. */
  remove(value: A): Effect.Effect<void, ValueError | CallError> {
    return this.call("remove", value)
  }
  /** The position of the first item equal to `value`, or ValueError. */
  index(value: A, start = 0, stop: number | null = null): Effect.Effect<number, ValueError | CallError> {
    return this.call("index", value, start, stop)
  }
  count(value: A): Effect.Effect<number, CallError> {
    return this.call("count", value)
  }
  reverse(): Effect.Effect<void, CallError> {
    return this.call("reverse")
  }
  /** Sorts in place by Python's ordering (mixed types fail with TypeError). */
  sort(options: { readonly reverse?: boolean } = {}): Effect.Effect<void, TypeError | CallError> {
    // Python's list.sort takes keywords only.
    return this.core.call("sort", [], { kwargs: { reverse: options.reverse === true } }) as Effect.Effect<void, TypeError | CallError>
  }
  clear(): Effect.Effect<void, CallError> {
    // `del l[:]` rather than `clear`, which CPython's list proxies expose only from 3.14.
    return this.deleteSlice(null, null)
  }
  /** `l + other`: a new array (the shared list is unchanged). */
  concat(other: ReadonlyArray<A>): Effect.Effect<Array<A>, CallError> {
    return this.call("__add__", other)
  }
  /** `l * n`: a new array. */
  repeat(n: number): Effect.Effect<Array<A>, CallError> {
    return this.call("__mul__", n)
  }
  /** `l *= n`, in place. */
  repeatInPlace(n: number): Effect.Effect<void, CallError> {
    return this.call("__imul__", n)
  }
  /** A copy of the items (`l[:]`, which every manager exposes). */
  toArray(): Effect.Effect<Array<A>, CallError> {
    return this.slice(null, null)
  }
  /** An Iterator proxy over the items, in the caller's scope. */
  iter(): Effect.Effect<IteratorProxy<A>, CallError, Scope.Scope> {
    return this.core.callProxy("__iter__", []) as Effect.Effect<IteratorProxy<A>, CallError, Scope.Scope>
  }
  override getValue(): Effect.Effect<Array<A>, CallError> {
    return super.getValue() as Effect.Effect<Array<A>, CallError>
  }
}
