/**
 * A shared list with Python's list methods and rules: negative indices and
 * slices, Python equality for `index`/`count`/`remove`/`in`, Python ordering
 * for `sort`, and CPython's error messages.
 *
 * @since 0.1.0
 */
import { IndexError, TypeError, ValueError } from "../PythonErrors.ts"
import { getValue } from "../Referent.ts"
import { compare, equals, repr } from "../values/Equality.ts"
import { PyRange } from "../values/PyObjects.ts"
import { pythonType } from "../values/PythonType.ts"
import { positional } from "./Iterator.ts"
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

/** @since 0.1.0 */
export class List {
  readonly items: Array<unknown>

  constructor(items: Iterable<unknown> | null = null) {
    this.items = items === null || items === undefined ? [] : asItems(items)
  }

  __len__(): number {
    return this.items.length
  }
  __contains__(value: unknown): boolean {
    return this.items.some((item) => equals(item, value))
  }
  __getitem__(key: unknown): unknown {
    return getItem(this.items, key, "list")
  }
  __setitem__(key: unknown, value: unknown): void {
    setItem(this.items, key, value, "list assignment")
  }
  __delitem__(key: unknown): void {
    deleteItem(this.items, key, "list assignment")
  }
  __add__(other: unknown): Array<unknown> {
    if (!Array.isArray(other) || pythonType(other) !== "list") {
      throw TypeError.make(`can only concatenate list (not "${pythonType(other)}") to list`)
    }
    return [...this.items, ...other]
  }
  __mul__(n: unknown): Array<unknown> {
    const count = repeatCount(n)
    const out: Array<unknown> = []
    for (let i = 0; i < count; i++) out.push(...this.items)
    return out
  }
  __rmul__(n: unknown): Array<unknown> {
    return this.__mul__(n)
  }
  __imul__(n: unknown): void {
    const copy = this.__mul__(n)
    this.items.length = 0
    this.items.push(...copy)
  }
  __iter__(): Iterable<unknown> {
    return positional(this.items)
  }
  __reversed__(): Iterable<unknown> {
    return [...this.items].reverse()
  }
  append(value: unknown): void {
    this.items.push(value)
  }
  extend(values: unknown): void {
    const items = asItems(values)
    for (const v of items) this.items.push(v)
  }
  insert(index: unknown, value: unknown): void {
    const n = this.items.length
    let i = Number(index)
    if (!Number.isInteger(i)) throw TypeError.make(`'${pythonType(index)}' object cannot be interpreted as an integer`)
    if (i < 0) i = Math.max(0, i + n)
    this.items.splice(Math.min(i, n), 0, value)
  }
  pop(index: unknown = -1): unknown {
    if (this.items.length === 0) throw IndexError.make("pop from empty list")
    let i: number
    try {
      i = normalizeIndex(index, this.items.length, "pop")
    } catch (e) {
      if (e instanceof IndexError) throw IndexError.make("pop index out of range")
      throw e
    }
    return this.items.splice(i, 1)[0]
  }
  remove(value: unknown): void {
    const i = this.items.findIndex((item) => equals(item, value))
    if (i < 0) throw ValueError.make("list.remove(x): x not in list")
    this.items.splice(i, 1)
  }
  index(value: unknown, start: unknown = 0, stop: unknown = null): number {
    const n = this.items.length
    const clip = (u: unknown, fallback: number) => {
      if (u === null || u === undefined) return fallback
      const x = Number(u)
      return x < 0 ? Math.max(0, x + n) : Math.min(x, n)
    }
    for (let i = clip(start, 0); i < clip(stop, n); i++) if (equals(this.items[i], value)) return i
    throw ValueError.make(`${repr(value)} is not in list`)
  }
  count(value: unknown): number {
    let c = 0
    for (const item of this.items) if (equals(item, value)) c++
    return c
  }
  reverse(): void {
    this.items.reverse()
  }
  sort(key: unknown = null, reverse: unknown = false): void {
    if (key !== null && key !== undefined) throw TypeError.make("sort key functions cannot cross the wire")
    // Array.prototype.sort is stable, as Python's is; a reversed comparison keeps equal items in order, as Python does.
    const order = reverse === true ? (a: unknown, b: unknown) => compare(b, a) : compare
    const sorted = [...this.items].sort(order)
    this.items.splice(0, this.items.length, ...sorted)
  }
  clear(): void {
    this.items.length = 0
  }
  copy(): Array<unknown> {
    return [...this.items]
  }

  [getValue](): Array<unknown> {
    return this.items
  }

  toString(): string {
    return repr(this.items)
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
