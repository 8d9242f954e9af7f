/**
 * Sets with Python's element equality: `PySet` for `set`, `FrozenSet` for
 * `frozenset` (immutable by convention, and hashable, so it can be a dict key).
 *
 * @since 0.1.0
 */
import { hashKey } from "./HashKey.ts"

/**
 * A Set with Python's element equality (a Python set).
 *
 * @example
 * ```ts
 * import { PySet, Tuple } from "effect-managers"
 * const s = new PySet([Tuple.of(1, 2)])
 * s.has(Tuple.of(1, 2)) // true
 * ```
 * @category values
 * @since 0.1.0
 */
export class PySet<T = unknown> extends Set<T> {
  readonly #items = new Map<string, T>()

  constructor(items?: Iterable<T> | null) {
    super()
    if (items) for (const item of items) this.add(item)
  }

  override get size(): number {
    return this.#items.size
  }
  override has(item: T): boolean {
    return this.#items.has(hashKey(item))
  }
  override add(item: T): this {
    const h = hashKey(item)
    if (!this.#items.has(h)) this.#items.set(h, item)
    return this
  }
  override delete(item: T): boolean {
    return this.#items.delete(hashKey(item))
  }
  override clear(): void {
    this.#items.clear()
  }
  override *values(): SetIterator<T> {
    yield* this.#items.values()
  }
  override keys(): SetIterator<T> {
    return this.values()
  }
  override *entries(): SetIterator<[T, T]> {
    for (const v of this.#items.values()) yield [v, v]
  }
  override [Symbol.iterator](): SetIterator<T> {
    return this.values()
  }
  override forEach(f: (value: T, value2: T, set: Set<T>) => void, thisArg?: unknown): void {
    for (const v of this.#items.values()) f.call(thisArg, v, v, this)
  }
  /** Removes and returns an arbitrary element (the oldest), as Python's `set.pop`. */
  popFirst(): T | undefined {
    for (const [h, v] of this.#items) {
      this.#items.delete(h)
      return v
    }
    return undefined
  }
}

/** A Python `frozenset`. @category values @since 0.1.0 */
export class FrozenSet<T = unknown> extends PySet<T> {
  readonly frozen = true as const
}
