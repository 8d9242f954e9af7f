/**
 * A Map with Python's key equality: `get(Tuple.of(1, 2))` finds the entry
 * stored under an equal tuple, and `1`, `1.0` and `true` are one key. It is
 * what a Python dict decodes to, and the storage of a shared dict.
 *
 * @since 0.1.0
 */
import { hashKey } from "./HashKey.ts"

/**
 * @example
 * ```ts
 * import { PyDict, Tuple } from "effect-managers"
 * const d = new PyDict([[Tuple.of(1, 2), "a"]])
 * d.get(Tuple.of(1, 2)) // "a"
 * d.has(1.0) === d.has(1) // true
 * ```
 * @since 0.1.0
 */
export class PyDict<K = unknown, V = unknown> extends Map<K, V> {
  readonly #entries = new Map<string, [K, V]>()

  constructor(entries?: Iterable<readonly [K, V]> | null) {
    super()
    if (entries) for (const [k, v] of entries) this.set(k, v)
  }

  override get size(): number {
    return this.#entries.size
  }
  override get(key: K): V | undefined {
    return this.#entries.get(hashKey(key))?.[1]
  }
  /** The entry stored under a key equal to `key`: the stored key and its value. */
  entry(key: K): readonly [K, V] | undefined {
    return this.#entries.get(hashKey(key))
  }
  override has(key: K): boolean {
    return this.#entries.has(hashKey(key))
  }
  override set(key: K, value: V): this {
    const h = hashKey(key)
    const existing = this.#entries.get(h)
    // Python keeps the first key object and its position when a key is re-set.
    if (existing !== undefined) existing[1] = value
    else this.#entries.set(h, [key, value])
    return this
  }
  override delete(key: K): boolean {
    return this.#entries.delete(hashKey(key))
  }
  override clear(): void {
    this.#entries.clear()
  }
  override *entries(): MapIterator<[K, V]> {
    for (const e of this.#entries.values()) yield [e[0], e[1]]
  }
  override *keys(): MapIterator<K> {
    for (const e of this.#entries.values()) yield e[0]
  }
  override *values(): MapIterator<V> {
    for (const e of this.#entries.values()) yield e[1]
  }
  override [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries()
  }
  override forEach(f: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const e of this.#entries.values()) f.call(thisArg, e[1], e[0], this)
  }
  /** Removes and returns the last inserted entry (Python's `popitem`). */
  popLast(): [K, V] | undefined {
    let last: string | undefined
    for (const h of this.#entries.keys()) last = h
    if (last === undefined) return undefined
    const e = this.#entries.get(last)!
    this.#entries.delete(last)
    return [e[0], e[1]]
  }
}

/** @since 0.1.0 */
export const isPyDict = (u: unknown): u is PyDict => u instanceof PyDict
