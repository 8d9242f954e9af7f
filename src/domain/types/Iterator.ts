/**
 * A shared iterator (what iterating a shared dict or list gives): `__next__`
 * until StopIteration, plus CPython's generator methods `send`, `throw` and
 * `close`.
 *
 * @since 0.1.0
 */
import { RuntimeError, StopIteration, TypeError } from "../PythonErrors.ts"

/** @since 0.1.0 */
export class Iterator {
  private readonly source: globalThis.Iterator<unknown>
  private done = false

  constructor(source: Iterable<unknown>) {
    this.source = source[Symbol.iterator]()
  }

  __next__(): unknown {
    if (this.done) throw StopIteration.make()
    const r = this.source.next()
    if (r.done) {
      this.done = true
      throw StopIteration.make()
    }
    return r.value
  }

  send(value: unknown): unknown {
    if (value !== null && value !== undefined) {
      throw TypeError.make("can't send non-None value to a just-started generator")
    }
    return this.__next__()
  }

  throw(error: unknown): never {
    this.done = true
    throw error
  }

  close(): void {
    this.done = true
    this.source.return?.()
  }

  toString(): string {
    return `<iterator${this.done ? " exhausted" : ""}>`
  }
}

/**
 * Iterates a dict or set, failing as Python does when it changes size
 * during iteration. The size is taken now, not at the first `next`.
 *
 * @since 0.1.0
 */
export const guarded = <T>(source: Iterable<T>, size: () => number, what: string): Iterable<T> => {
  const initial = size()
  const check = () => {
    if (size() !== initial) throw RuntimeError.make(`${what} changed size during iteration`)
  }
  return {
    *[Symbol.iterator]() {
      check()
      for (const item of source) {
        check()
        yield item
      }
      check()
    }
  }
}

/**
 * Iterates a list by position, as Python's list iterator does: items
 * appended meanwhile are seen, and it ends at the current length.
 *
 * @since 0.1.0
 */
export const positional = <T>(items: ReadonlyArray<T>): Iterable<T> => ({
  *[Symbol.iterator]() {
    for (let i = 0; i < items.length; i++) yield items[i]!
  }
})

/** What IteratorProxy exposes. @since 0.1.0 */
export const iteratorExposed: ReadonlyArray<string> = ["__next__", "send", "throw", "close"]
