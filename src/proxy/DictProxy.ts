/**
 * The proxy of a shared dict, with Map-like names over Python's dict
 * methods. Keys follow Python's equality: tuples, numbers, strings, bytes.
 *
 * @since 0.1.0
 */
import { Effect, Option, type Scope } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { KeyError } from "../domain/PythonErrors.ts"
import type { PyDict } from "../domain/values/PyDict.ts"
import type { Tuple } from "../domain/values/Tuple.ts"
import { BaseProxy } from "./BaseProxy.ts"
import type { IteratorProxy } from "./IteratorProxy.ts"

/**
 * The proxy of a shared dict.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Manager } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const manager = yield* Manager
 *   const scores = yield* manager.dict<string, number>()
 *   yield* scores.set("ada", 36)
 *   const ada = yield* scores.get("ada") // Option.some(36)
 * })
 * ```
 * @category proxies
 * @since 0.1.0
 */
export class DictProxy<K = unknown, V = unknown> extends BaseProxy {
  /** `d[key]`: the value, or KeyError. */
  getItem(key: K): Effect.Effect<V, KeyError | CallError> {
    return this.call("__getitem__", key)
  }
  /** The value under `key`, if any. */
  get(key: K): Effect.Effect<Option.Option<V>, CallError> {
    return this.getItem(key).pipe(
      Effect.map(Option.some),
      Effect.catchTag("KeyError", () => Effect.succeed(Option.none<V>()))
    )
  }
  /** `d.get(key, fallback)`. */
  getOrElse<D>(key: K, fallback: D): Effect.Effect<V | D, CallError> {
    return this.call("get", key, fallback)
  }
  /** `d[key] = value`. */
  set(key: K, value: V): Effect.Effect<void, CallError> {
    return this.call("__setitem__", key, value)
  }
  /** `del d[key]`: KeyError when absent. */
  delete(key: K): Effect.Effect<void, KeyError | CallError> {
    return this.call("__delitem__", key)
  }
  /** `key in d`. */
  has(key: K): Effect.Effect<boolean, CallError> {
    return this.call("__contains__", key)
  }
  /** `len(d)`. */
  size(): Effect.Effect<number, CallError> {
    return this.call("__len__")
  }
  keys(): Effect.Effect<Array<K>, CallError> {
    return this.call("keys")
  }
  values(): Effect.Effect<Array<V>, CallError> {
    return this.call("values")
  }
  /** The entries as `[key, value]` tuples, in insertion order. */
  items(): Effect.Effect<Array<Tuple<K | V> & [K, V]>, CallError> {
    return this.call("items")
  }
  /** Removes `key` and gives its value, or KeyError. */
  pop(key: K): Effect.Effect<V, KeyError | CallError> {
    return this.call("pop", key)
  }
  /** Removes `key` and gives its value, or `fallback`. */
  popOrElse<D>(key: K, fallback: D): Effect.Effect<V | D, CallError> {
    return this.call("pop", key, fallback)
  }
  /** Removes and gives the last inserted entry, or KeyError when empty. */
  popitem(): Effect.Effect<Tuple<K | V> & [K, V], KeyError | CallError> {
    return this.call("popitem")
  }
  /** The value under `key`, setting it to `fallback` first when absent. */
  setdefault(key: K, fallback: V): Effect.Effect<V, CallError> {
    return this.call("setdefault", key, fallback)
  }
  /** Sets every entry of a Map, a record, or a list of pairs. */
  update(entries: ReadonlyMap<K, V> | Iterable<readonly [K, V]> | Readonly<Record<string, V>>): Effect.Effect<void, CallError> {
    const value = entries instanceof Map || Array.isArray(entries) ? entries : Symbol.iterator in entries ? [...(entries as Iterable<readonly [K, V]>)] : entries
    return this.call("update", value)
  }
  clear(): Effect.Effect<void, CallError> {
    return this.call("clear")
  }
  /** A copy of the dict. */
  copy(): Effect.Effect<PyDict<K, V>, CallError> {
    return this.call("copy")
  }
  /** An Iterator proxy over the keys, in the caller's scope. */
  iter(): Effect.Effect<IteratorProxy<K>, CallError, Scope.Scope> {
    return this.core.callProxy("__iter__", []) as Effect.Effect<IteratorProxy<K>, CallError, Scope.Scope>
  }
  /** A copy of the dict (CPython's `_getvalue`). */
  override getValue(): Effect.Effect<PyDict<K, V>, CallError> {
    return super.getValue() as Effect.Effect<PyDict<K, V>, CallError>
  }
}
