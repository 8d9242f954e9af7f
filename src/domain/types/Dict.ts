/**
 * A shared dict with Python's dict methods over a {@link PyDict}: keys by
 * Python equality, insertion order, `KeyError` for a missing key, views
 * (`keys`, `values`, `items`) returned as lists as CPython's managers do, and
 * `__iter__` giving an Iterator proxy.
 *
 * @since 0.1.0
 */
import { KeyError, TypeError } from "../PythonErrors.ts"
import { getValue } from "../Referent.ts"
import { repr } from "../values/Equality.ts"
import { PyDict } from "../values/PyDict.ts"
import { pythonType } from "../values/PythonType.ts"
import { Tuple } from "../values/Tuple.ts"
import { guarded } from "./Iterator.ts"

/** The entries of anything Python's `dict(x)` accepts: a mapping or an iterable of pairs. @since 0.1.0 */
export const entriesOf = (u: unknown): Iterable<readonly [unknown, unknown]> => {
  if (u === null || u === undefined) return []
  if (u instanceof Map) return u.entries()
  if (Array.isArray(u)) {
    return u.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw TypeError.make(`cannot convert dictionary update sequence element #${i} to a sequence`)
      }
      return [pair[0], pair[1]] as const
    })
  }
  if (typeof u === "object" && pythonType(u) === "dict") return Object.entries(u)
  throw TypeError.make(`'${pythonType(u)}' object is not iterable`)
}

const NoDefault = Symbol("NoDefault")

/** @since 0.1.0 */
export class Dict {
  readonly entries: PyDict

  constructor(initial: unknown = null, kwargs: unknown = null) {
    this.entries = new PyDict(entriesOf(initial))
    for (const [k, v] of entriesOf(kwargs)) this.entries.set(k, v)
  }

  __len__(): number {
    return this.entries.size
  }
  __contains__(key: unknown): boolean {
    return this.entries.has(key)
  }
  __getitem__(key: unknown): unknown {
    const e = this.entries.entry(key)
    if (e === undefined) throw KeyError.make(key)
    return e[1]
  }
  __setitem__(key: unknown, value: unknown): void {
    this.entries.set(key, value)
  }
  __delitem__(key: unknown): void {
    if (!this.entries.delete(key)) throw KeyError.make(key)
  }
  __iter__(): Iterable<unknown> {
    return guarded(this.entries.keys(), () => this.entries.size, "dictionary")
  }
  clear(): void {
    this.entries.clear()
  }
  copy(): PyDict {
    return new PyDict(this.entries)
  }
  get(key: unknown, fallback: unknown = null): unknown {
    const e = this.entries.entry(key)
    return e === undefined ? fallback : e[1]
  }
  items(): Array<Tuple> {
    return [...this.entries].map(([k, v]) => Tuple.of(k, v))
  }
  keys(): Array<unknown> {
    return [...this.entries.keys()]
  }
  values(): Array<unknown> {
    return [...this.entries.values()]
  }
  pop(key: unknown, fallback: unknown = NoDefault): unknown {
    const e = this.entries.entry(key)
    if (e === undefined) {
      if (fallback === NoDefault) throw KeyError.make(key)
      return fallback
    }
    this.entries.delete(key)
    return e[1]
  }
  popitem(): Tuple {
    const last = this.entries.popLast()
    if (last === undefined) throw KeyError.make("popitem(): dictionary is empty")
    return Tuple.of(last[0], last[1])
  }
  setdefault(key: unknown, fallback: unknown = null): unknown {
    const e = this.entries.entry(key)
    if (e !== undefined) return e[1]
    this.entries.set(key, fallback)
    return fallback
  }
  update(other: unknown = null, kwargs: unknown = null): void {
    for (const [k, v] of entriesOf(other)) this.entries.set(k, v)
    for (const [k, v] of entriesOf(kwargs)) this.entries.set(k, v)
  }

  [getValue](): PyDict {
    return this.entries
  }

  toString(): string {
    return repr(this.entries)
  }
}

/** What DictProxy exposes. @since 0.1.0 */
export const dictExposed: ReadonlyArray<string> = [
  "__contains__",
  "__delitem__",
  "__getitem__",
  "__iter__",
  "__len__",
  "__setitem__",
  "clear",
  "copy",
  "get",
  "items",
  "keys",
  "pop",
  "popitem",
  "setdefault",
  "update",
  "values"
]
