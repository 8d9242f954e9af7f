/**
 * The state of SyncManager's containers (dict, list, set, Namespace, Value,
 * Array): atomic operations on the data, with Python's equality for keys and
 * items. The shared types put Python's rules (argument checks, errors,
 * slices) on top; a backend only stores and finds.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import type { PyDict } from "../values/PyDict.ts"
import type { PySet } from "../values/PySet.ts"
import type { StateBase } from "./Base.ts"

/** A key and its value, as stored (Python keeps the first key object set). @category models @since 0.1.0 */
export type Entry = readonly [key: unknown, value: unknown]

/**
 * A dict: keys by Python equality, in insertion order.
 *
 * @category models
 * @since 0.1.0
 */
export interface DictState extends StateBase {
  readonly size: () => Eventually<number>
  readonly entry: (key: unknown) => Eventually<Entry | undefined>
  readonly set: (key: unknown, value: unknown) => Eventually<void>
  /** Sets every entry, in order. */
  readonly update: (entries: ReadonlyArray<Entry>) => Eventually<void>
  /** Removes a key; gives its entry, if it was there. */
  readonly pop: (key: unknown) => Eventually<Entry | undefined>
  /** The value of `key`, setting it to `value` first when absent. */
  readonly setDefault: (key: unknown, value: unknown) => Eventually<unknown>
  /** Removes and gives the newest entry (`popitem`). */
  readonly popLast: () => Eventually<Entry | undefined>
  readonly entries: () => Eventually<ReadonlyArray<Entry>>
  readonly clear: () => Eventually<void>
  /** The keys, for an Iterator: live where the backend can tell a change of size during iteration. */
  readonly iterateKeys: () => Eventually<Iterable<unknown>>
  readonly copy: () => Eventually<PyDict>
}

/**
 * A list. Reads and changes of the whole list are atomic; `append` is its own
 * operation because it is the common one.
 *
 * @category models
 * @since 0.1.0
 */
export interface ListState extends StateBase {
  readonly length: () => Eventually<number>
  /** Runs `f` on the items as they are (it must not change them). */
  readonly read: <R>(f: (items: ReadonlyArray<unknown>) => R) => Eventually<R>
  /** Runs `f` on the items, which it may change in place, atomically. */
  readonly modify: <R>(f: (items: Array<unknown>) => R) => Eventually<R>
  readonly append: (value: unknown) => Eventually<void>
  /** The items for an Iterator: by position, seeing appends, where the backend can. */
  readonly iterate: () => Eventually<Iterable<unknown>>
}

/**
 * A set: items by Python equality.
 *
 * @category models
 * @since 0.1.0
 */
export interface SetState extends StateBase {
  readonly size: () => Eventually<number>
  readonly has: (item: unknown) => Eventually<boolean>
  readonly add: (item: unknown) => Eventually<void>
  /** Removes an item; true when it was there. */
  readonly delete: (item: unknown) => Eventually<boolean>
  /** Removes and gives an item, if any. */
  readonly popFirst: () => Eventually<{ readonly item: unknown } | undefined>
  readonly read: <R>(f: (items: PySet) => R) => Eventually<R>
  readonly modify: <R>(f: (items: PySet) => R) => Eventually<R>
  readonly iterate: () => Eventually<Iterable<unknown>>
}

/**
 * A Namespace's attributes.
 *
 * @category models
 * @since 0.1.0
 */
export interface NamespaceState extends StateBase {
  readonly get: (name: string) => Eventually<{ readonly value: unknown } | undefined>
  readonly set: (name: string, value: unknown) => Eventually<void>
  /** True when the attribute was there. */
  readonly delete: (name: string) => Eventually<boolean>
  readonly entries: () => Eventually<ReadonlyArray<readonly [string, unknown]>>
}

/**
 * A Value: one value and its typecode.
 *
 * @category models
 * @since 0.1.0
 */
export interface CellState extends StateBase {
  readonly typecode: string
  readonly get: () => Eventually<unknown>
  readonly set: (value: unknown) => Eventually<void>
}

/**
 * An Array's items (already checked against the typecode).
 *
 * @category models
 * @since 0.1.0
 */
export interface ArrayState extends StateBase {
  readonly typecode: string
  readonly read: <R>(f: (items: ReadonlyArray<number | bigint | string>) => R) => Eventually<R>
  readonly modify: <R>(f: (items: Array<number | bigint | string>) => R) => Eventually<R>
}
