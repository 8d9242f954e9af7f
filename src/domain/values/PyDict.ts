/**
 * A Map with Python's key equality: `get(Tuple.of(1, 2))` finds the entry
 * stored under an equal tuple, and `1`, `1.0` and `true` are one key. It is
 * what a Python dict decodes to, and the storage of a shared dict.
 *
 * Values are stored in the Map itself under each key's hash; the original
 * key is kept beside it only when it cannot be read back from the hash (a
 * string key can), so a dict with string keys costs one Map.
 *
 * @since 0.1.0
 */
import { hashKey } from "./HashKey.ts"

const mapGet = Map.prototype.get
const mapSet = Map.prototype.set
const mapHas = Map.prototype.has
const mapDelete = Map.prototype.delete
const mapClear = Map.prototype.clear
const mapKeys = Map.prototype.keys
const mapEntries = Map.prototype.entries

/**
 * A Map with Python's key equality (a Python dict).
 *
 * @example
 * ```ts
 * import { PyDict, Tuple } from "effect-managers"
 * const d = new PyDict<Tuple<number>, string>([[Tuple.of(1, 2), "a"]])
 * d.get(Tuple.of(1, 2)) // "a": an equal tuple is the same key, as in Python
 * ```
 * @category values
 * @since 0.1.0
 */
export class PyDict<K = unknown, V = unknown> extends Map<K, V> {
  // Keys that are not strings, by hash (a string key is its hash without the leading "s").
  #keys: Map<string, K> | undefined

  constructor(entries?: Iterable<readonly [K, V]> | null) {
    super()
    if (entries) for (const [k, v] of entries) this.set(k, v)
  }

  #keyOf(h: string): K {
    const k = this.#keys?.get(h)
    return k === undefined && h.charCodeAt(0) === 115 /* s */ ? (h.slice(1) as K) : (k as K)
  }

  override get(key: K): V | undefined {
    return mapGet.call(this, hashKey(key)) as V | undefined
  }
  /** The entry stored under a key equal to `key`: the stored key and its value. */
  entry(key: K): readonly [K, V] | undefined {
    const h = hashKey(key)
    return mapHas.call(this, h) ? [this.#keyOf(h), mapGet.call(this, h) as V] : undefined
  }
  override has(key: K): boolean {
    return mapHas.call(this, hashKey(key))
  }
  override set(key: K, value: V): this {
    const h = hashKey(key)
    // Python keeps the first key object (and its position) when a key is set again.
    if (typeof key !== "string" && !mapHas.call(this, h)) (this.#keys ??= new Map()).set(h, key)
    mapSet.call(this, h, value)
    return this
  }
  override delete(key: K): boolean {
    const h = hashKey(key)
    this.#keys?.delete(h)
    return mapDelete.call(this, h)
  }
  override clear(): void {
    this.#keys = undefined
    mapClear.call(this)
  }
  override *entries(): MapIterator<[K, V]> {
    for (const [h, v] of mapEntries.call(this) as MapIterator<[string, V]>) yield [this.#keyOf(h), v]
  }
  override *keys(): MapIterator<K> {
    for (const h of mapKeys.call(this) as MapIterator<string>) yield this.#keyOf(h)
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }
  override forEach(f: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) f.call(thisArg, v, k, this)
  }
  /** Removes and returns the last inserted entry (Python's `popitem`). */
  popLast(): [K, V] | undefined {
    let last: string | undefined
    for (const h of mapKeys.call(this) as MapIterator<string>) last = h
    if (last === undefined) return undefined
    const entry: [K, V] = [this.#keyOf(last), mapGet.call(this, last) as V]
    this.#keys?.delete(last)
    mapDelete.call(this, last)
    return entry
  }
}

/** @since 0.1.0 */
export const isPyDict = (u: unknown): u is PyDict => u instanceof PyDict
