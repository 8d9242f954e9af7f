/**
 * A shared dict with Python's dict methods over a {@link DictState}: keys by
 * Python equality, insertion order, `KeyError` for a missing key, views
 * (`keys`, `values`, `items`) returned as lists as CPython's managers do, and
 * `__iter__` giving an Iterator proxy.
 *
 * @since 0.1.0
 */
import { type Eventually, map } from "../Eventually.ts"
import { KeyError, TypeError } from "../PythonErrors.ts"
import type { DictState } from "../state/Containers.ts"
import { PyDict } from "../values/PyDict.ts"
import { pythonType } from "../values/PythonType.ts"
import { Tuple } from "../values/Tuple.ts"
import { SharedObject } from "./SharedObject.ts"

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

/** The entries a dict starts with: `dict(iterable, **kwargs)`. @since 0.1.0 */
export const initialEntries = (initial: unknown = null, kwargs: unknown = null): Array<readonly [unknown, unknown]> => {
  // Through a PyDict, so that equal keys keep Python's first-key, last-value rule.
  const d = new PyDict<unknown, unknown>(entriesOf(initial))
  for (const [k, v] of entriesOf(kwargs)) d.set(k, v)
  return [...d]
}

/** @since 0.1.0 */
export class Dict extends SharedObject<DictState> {
  __len__(): Eventually<number> {
    return this.state.size()
  }
  __contains__(key: unknown): Eventually<boolean> {
    return map(this.state.entry(key), (e) => e !== undefined)
  }
  __getitem__(key: unknown): Eventually<unknown> {
    return map(this.state.entry(key), (e) => {
      if (e === undefined) throw KeyError.make(key)
      return e[1]
    })
  }
  __setitem__(key: unknown, value: unknown): Eventually<void> {
    return this.state.set(key, value)
  }
  __delitem__(key: unknown): Eventually<void> {
    return map(this.state.pop(key), (e) => {
      if (e === undefined) throw KeyError.make(key)
    })
  }
  __iter__(): Eventually<Iterable<unknown>> {
    return this.state.iterateKeys()
  }
  clear(): Eventually<void> {
    return this.state.clear()
  }
  copy(): Eventually<PyDict> {
    return this.state.copy()
  }
  get(key: unknown, fallback: unknown = null): Eventually<unknown> {
    return map(this.state.entry(key), (e) => (e === undefined ? fallback : e[1]))
  }
  items(): Eventually<Array<Tuple>> {
    return map(this.state.entries(), (es) => es.map(([k, v]) => Tuple.of(k, v)))
  }
  keys(): Eventually<Array<unknown>> {
    return map(this.state.entries(), (es) => es.map(([k]) => k))
  }
  values(): Eventually<Array<unknown>> {
    return map(this.state.entries(), (es) => es.map(([, v]) => v))
  }
  pop(key: unknown, fallback: unknown = NoDefault): Eventually<unknown> {
    return map(this.state.pop(key), (e) => {
      if (e !== undefined) return e[1]
      if (fallback === NoDefault) throw KeyError.make(key)
      return fallback
    })
  }
  popitem(): Eventually<Tuple> {
    return map(this.state.popLast(), (last) => {
      if (last === undefined) throw KeyError.make("popitem(): dictionary is empty")
      return Tuple.of(last[0], last[1])
    })
  }
  setdefault(key: unknown, fallback: unknown = null): Eventually<unknown> {
    return this.state.setDefault(key, fallback)
  }
  update(other: unknown = null, kwargs: unknown = null): Eventually<void> {
    return this.state.update([...entriesOf(other), ...entriesOf(kwargs)])
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
