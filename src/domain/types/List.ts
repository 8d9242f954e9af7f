/**
 * A shared list with Python's list methods and rules: negative indices and
 * slices, Python equality for `index`/`count`/`remove`/`in`, Python ordering
 * for `sort`, and CPython's error messages.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import { IndexError, TypeError, ValueError } from "../PythonErrors.ts"
import type { ListState } from "../state/Containers.ts"
import { compare, equals, repr } from "../values/Equality.ts"
import { PyRange } from "../values/PyObjects.ts"
import { pythonType } from "../values/PythonType.ts"
import { SharedObject } from "./SharedObject.ts"
import { deleteItem, getItem, normalizeIndex, setItem } from "./Sequence.ts"

// A range is expanded into the list: past this many items it is refused rather than block the server.
const maxRange = 10_000_000
const MemoryError = () => ValueError.make(`a range of more than ${maxRange} items is too large to share`)

const repeatCount = (n: unknown): number => {
  if (typeof n === "bigint") return Number(n)
  if (typeof n === "number" && Number.isInteger(n)) return Math.max(0, n)
  throw TypeError.make(`can't multiply sequence by non-int of type '${pythonType(n)}'`)
}

const asItems = (u: unknown): Array<unknown> => {
  if (typeof u === "string") return [...u]
  if (u instanceof PyRange && u.length > maxRange) throw MemoryError()
  if (u !== null && typeof u === "object" && Symbol.iterator in u) return [...(u as Iterable<unknown>)]
  throw TypeError.make(`'${pythonType(u)}' object is not iterable`)
}

/** The items a list starts with: `list(iterable)`. @since 0.1.0 */
export const initialItems = (items: unknown): Array<unknown> => (items === null || items === undefined ? [] : asItems(items))

const repeated = (items: ReadonlyArray<unknown>, n: unknown): Array<unknown> => {
  const count = repeatCount(n)
  const out: Array<unknown> = []
  for (let i = 0; i < count; i++) out.push(...items)
  return out
}

const findIndex = (items: ReadonlyArray<unknown>, value: unknown): number => items.findIndex((item) => equals(item, value))

/** @since 0.1.0 */
export class List extends SharedObject<ListState> {
  __len__(): Eventually<number> {
    return this.state.length()
  }
  __contains__(value: unknown): Eventually<boolean> {
    return this.state.read((items) => findIndex(items, value) >= 0)
  }
  __getitem__(key: unknown): Eventually<unknown> {
    return this.state.read((items) => getItem(items, key, "list"))
  }
  __setitem__(key: unknown, value: unknown): Eventually<void> {
    return this.state.modify((items) => setItem(items, key, value, "list assignment"))
  }
  __delitem__(key: unknown): Eventually<void> {
    return this.state.modify((items) => deleteItem(items, key, "list assignment"))
  }
  __add__(other: unknown): Eventually<Array<unknown>> {
    if (!Array.isArray(other) || pythonType(other) !== "list") {
      throw TypeError.make(`can only concatenate list (not "${pythonType(other)}") to list`)
    }
    return this.state.read((items) => [...items, ...other])
  }
  __mul__(n: unknown): Eventually<Array<unknown>> {
    repeatCount(n)
    return this.state.read((items) => repeated(items, n))
  }
  __rmul__(n: unknown): Eventually<Array<unknown>> {
    return this.__mul__(n)
  }
  __imul__(n: unknown): Eventually<void> {
    repeatCount(n)
    return this.state.modify((items) => {
      const copy = repeated(items, n)
      items.length = 0
      items.push(...copy)
    })
  }
  __iter__(): Eventually<Iterable<unknown>> {
    return this.state.iterate()
  }
  __reversed__(): Eventually<Iterable<unknown>> {
    return this.state.read((items) => [...items].reverse())
  }
  append(value: unknown): Eventually<void> {
    return this.state.append(value)
  }
  extend(values: unknown): Eventually<void> {
    const added = asItems(values)
    return this.state.modify((items) => {
      for (const v of added) items.push(v)
    })
  }
  insert(index: unknown, value: unknown): Eventually<void> {
    const i = Number(index)
    if (!Number.isInteger(i)) throw TypeError.make(`'${pythonType(index)}' object cannot be interpreted as an integer`)
    return this.state.modify((items) => {
      const n = items.length
      items.splice(Math.min(i < 0 ? Math.max(0, i + n) : i, n), 0, value)
    })
  }
  pop(index: unknown = -1): Eventually<unknown> {
    return this.state.modify((items) => {
      if (items.length === 0) throw IndexError.make("pop from empty list")
      let i: number
      try {
        i = normalizeIndex(index, items.length, "pop")
      } catch (e) {
        if (e instanceof IndexError) throw IndexError.make("pop index out of range")
        throw e
      }
      return items.splice(i, 1)[0]
    })
  }
  remove(value: unknown): Eventually<void> {
    return this.state.modify((items) => {
      const i = findIndex(items, value)
      if (i < 0) throw ValueError.make("list.remove(x): x not in list")
      items.splice(i, 1)
    })
  }
  index(value: unknown, start: unknown = 0, stop: unknown = null): Eventually<number> {
    return this.state.read((items) => {
      const n = items.length
      const clip = (u: unknown, fallback: number) => {
        if (u === null || u === undefined) return fallback
        const x = Number(u)
        return x < 0 ? Math.max(0, x + n) : Math.min(x, n)
      }
      for (let i = clip(start, 0); i < clip(stop, n); i++) if (equals(items[i], value)) return i
      throw ValueError.make(`${repr(value)} is not in list`)
    })
  }
  count(value: unknown): Eventually<number> {
    return this.state.read((items) => {
      let c = 0
      for (const item of items) if (equals(item, value)) c++
      return c
    })
  }
  reverse(): Eventually<void> {
    return this.state.modify((items) => {
      items.reverse()
    })
  }
  sort(key: unknown = null, reverse: unknown = false): Eventually<void> {
    if (key !== null && key !== undefined) throw TypeError.make("sort key functions cannot cross the wire")
    // Array.prototype.sort is stable, as Python's is; a reversed comparison keeps equal items in order, as Python does.
    const order = reverse === true ? (a: unknown, b: unknown) => compare(b, a) : compare
    return this.state.modify((items) => {
      const sorted = [...items].sort(order)
      items.splice(0, items.length, ...sorted)
    })
  }
  clear(): Eventually<void> {
    return this.state.modify((items) => {
      items.length = 0
    })
  }
  copy(): Eventually<Array<unknown>> {
    return this.state.read((items) => [...items])
  }
}

/** What ListProxy exposes (plus `__iter__`, which gives an Iterator proxy). @since 0.1.0 */
export const listExposed: ReadonlyArray<string> = [
  "__add__",
  "__contains__",
  "__delitem__",
  "__getitem__",
  "__len__",
  "__mul__",
  "__reversed__",
  "__rmul__",
  "__setitem__",
  "append",
  "count",
  "extend",
  "index",
  "insert",
  "pop",
  "remove",
  "reverse",
  "sort",
  "__imul__",
  "clear",
  "copy",
  "__iter__"
]
