/**
 * A shared set with Python's set methods over a {@link PySet} (CPython 3.14's
 * SetProxy): elements by Python equality, `KeyError` from `remove` and `pop`.
 *
 * @since 0.1.0
 */
import { KeyError, TypeError } from "../PythonErrors.ts"
import { getValue } from "../Referent.ts"
import { repr } from "../values/Equality.ts"
import { PySet } from "../values/PySet.ts"
import { pythonType } from "../values/PythonType.ts"
import { guarded } from "./Iterator.ts"

const itemsOf = (u: unknown): Iterable<unknown> => {
  if (u === null || u === undefined) return []
  if (typeof u === "string") return [...u]
  if (typeof u === "object" && Symbol.iterator in u) return u as Iterable<unknown>
  throw TypeError.make(`'${pythonType(u)}' object is not iterable`)
}

/** @since 0.1.0 */
export class SharedSet {
  readonly items: PySet

  constructor(items: unknown = null) {
    this.items = new PySet(itemsOf(items))
  }

  __len__(): number {
    return this.items.size
  }
  __contains__(item: unknown): boolean {
    return this.items.has(item)
  }
  __iter__(): Iterable<unknown> {
    return guarded(this.items, () => this.items.size, "Set")
  }
  add(item: unknown): void {
    this.items.add(item)
  }
  discard(item: unknown): void {
    this.items.delete(item)
  }
  remove(item: unknown): void {
    if (!this.items.delete(item)) throw KeyError.make(item)
  }
  pop(): unknown {
    if (this.items.size === 0) throw KeyError.make("pop from an empty set")
    return this.items.popFirst()
  }
  clear(): void {
    this.items.clear()
  }
  copy(): PySet {
    return new PySet(this.items)
  }
  update(...others: Array<unknown>): void {
    for (const o of others) for (const item of itemsOf(o)) this.items.add(item)
  }
  union(...others: Array<unknown>): PySet {
    const out = new PySet(this.items)
    for (const o of others) for (const item of itemsOf(o)) out.add(item)
    return out
  }
  intersection(...others: Array<unknown>): PySet {
    const sets = others.map((o) => new PySet(itemsOf(o)))
    return new PySet([...this.items].filter((item) => sets.every((s) => s.has(item))))
  }
  intersection_update(...others: Array<unknown>): void {
    const keep = this.intersection(...others)
    this.items.clear()
    for (const item of keep) this.items.add(item)
  }
  difference(...others: Array<unknown>): PySet {
    const sets = others.map((o) => new PySet(itemsOf(o)))
    return new PySet([...this.items].filter((item) => !sets.some((s) => s.has(item))))
  }
  difference_update(...others: Array<unknown>): void {
    for (const o of others) for (const item of itemsOf(o)) this.items.delete(item)
  }
  symmetric_difference(other: unknown): PySet {
    const o = new PySet(itemsOf(other))
    const out = new PySet([...this.items].filter((item) => !o.has(item)))
    for (const item of o) if (!this.items.has(item)) out.add(item)
    return out
  }
  symmetric_difference_update(other: unknown): void {
    const next = this.symmetric_difference(other)
    this.items.clear()
    for (const item of next) this.items.add(item)
  }
  isdisjoint(other: unknown): boolean {
    for (const item of itemsOf(other)) if (this.items.has(item)) return false
    return true
  }
  issubset(other: unknown): boolean {
    const o = new PySet(itemsOf(other))
    for (const item of this.items) if (!o.has(item)) return false
    return true
  }
  issuperset(other: unknown): boolean {
    for (const item of itemsOf(other)) if (!this.items.has(item)) return false
    return true
  }

  [getValue](): PySet {
    return this.items
  }

  toString(): string {
    return repr(this.items)
  }
}

/** What SetProxy exposes. @since 0.1.0 */
export const setExposed: ReadonlyArray<string> = [
  "__contains__",
  "__len__",
  "__iter__",
  "add",
  "clear",
  "copy",
  "difference",
  "difference_update",
  "discard",
  "intersection",
  "intersection_update",
  "isdisjoint",
  "issubset",
  "issuperset",
  "pop",
  "remove",
  "symmetric_difference",
  "symmetric_difference_update",
  "union",
  "update"
]
