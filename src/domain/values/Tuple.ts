/**
 * A Python tuple on the JS side: an array that stays a tuple when it crosses
 * the wire, so `(1, 2)` written by CPython reads back as a tuple, not a list.
 *
 * @since 0.1.0
 */

/**
 * A fixed sequence that round-trips as a Python tuple. It is an `Array`, so
 * indexing and destructuring work; `map`/`filter` give plain arrays.
 *
 * @example
 * ```ts
 * import { Tuple } from "effect-managers"
 * const key = Tuple.of<string | number>("x", 1)
 * const [name, n] = key
 * ```
 * @category values
 * @since 0.1.0
 */
export class Tuple<T = unknown> extends Array<T> {
  /** Builds a tuple from its items. */
  static override of<T>(...items: Array<T>): Tuple<T> {
    return Tuple.fromArray(items)
  }

  /** Builds a tuple holding the items of an array (copied). */
  static fromArray<T>(items: ReadonlyArray<T>): Tuple<T> {
    const t = new Tuple<T>()
    for (let i = 0; i < items.length; i++) t.push(items[i]!)
    return t
  }
}

// map/filter give plain arrays. A data property, not a getter: a getter makes every `new Tuple` slow.
Object.defineProperty(Tuple, Symbol.species, { value: Array })

/** @since 0.1.0 */
export const isTuple = (u: unknown): u is Tuple => u instanceof Tuple
