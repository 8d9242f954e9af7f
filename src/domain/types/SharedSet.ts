/**
 * A shared set with Python's set methods over a {@link SetState} (CPython 3.14's
 * SetProxy): elements by Python equality, `KeyError` from `remove` and `pop`.
 *
 * @since 0.1.0
 */
import { type Eventually, map } from "../Eventually.ts"
import { KeyError, TypeError } from "../PythonErrors.ts"
import type { SetState } from "../state/Containers.ts"
import { PySet } from "../values/PySet.ts"
import { pythonType } from "../values/PythonType.ts"
import { SharedObject } from "./SharedObject.ts"

const itemsOf = (u: unknown): Iterable<unknown> => {
  if (u === null || u === undefined) return []
  if (typeof u === "string") return [...u]
  if (typeof u === "object" && Symbol.iterator in u) return u as Iterable<unknown>
  throw TypeError.make(`'${pythonType(u)}' object is not iterable`)
}

/** The items a set starts with: `set(iterable)`. @since 0.1.0 */
export const initialSetItems = (items: unknown): Array<unknown> => [...new PySet(itemsOf(items))]

/** @since 0.1.0 */
export class SharedSet extends SharedObject<SetState> {
  __len__(): Eventually<number> {
    return this.state.size()
  }
  __contains__(item: unknown): Eventually<boolean> {
    return this.state.has(item)
  }
  __iter__(): Eventually<Iterable<unknown>> {
    return this.state.iterate()
  }
  add(item: unknown): Eventually<void> {
    return this.state.add(item)
  }
  discard(item: unknown): Eventually<void> {
    return map(this.state.delete(item), () => undefined)
  }
  remove(item: unknown): Eventually<void> {
    return map(this.state.delete(item), (was) => {
      if (!was) throw KeyError.make(item)
    })
  }
  pop(): Eventually<unknown> {
    return map(this.state.popFirst(), (got) => {
      if (got === undefined) throw KeyError.make("pop from an empty set")
      return got.item
    })
  }
  clear(): Eventually<void> {
    return this.state.modify((items) => items.clear())
  }
  copy(): Eventually<PySet> {
    return this.state.read((items) => new PySet(items))
  }
  update(...others: Array<unknown>): Eventually<void> {
    const added = others.map((o) => [...itemsOf(o)])
    return this.state.modify((items) => {
      for (const o of added) for (const item of o) items.add(item)
    })
  }
  union(...others: Array<unknown>): Eventually<PySet> {
    const added = others.map((o) => [...itemsOf(o)])
    return this.state.read((items) => {
      const out = new PySet(items)
      for (const o of added) for (const item of o) out.add(item)
      return out
    })
  }
  intersection(...others: Array<unknown>): Eventually<PySet> {
    const sets = others.map((o) => new PySet(itemsOf(o)))
    return this.state.read((items) => new PySet([...items].filter((item) => sets.every((s) => s.has(item)))))
  }
  intersection_update(...others: Array<unknown>): Eventually<void> {
    const sets = others.map((o) => new PySet(itemsOf(o)))
    return this.state.modify((items) => {
      for (const item of [...items]) if (!sets.every((s) => s.has(item))) items.delete(item)
    })
  }
  difference(...others: Array<unknown>): Eventually<PySet> {
    const sets = others.map((o) => new PySet(itemsOf(o)))
    return this.state.read((items) => new PySet([...items].filter((item) => !sets.some((s) => s.has(item)))))
  }
  difference_update(...others: Array<unknown>): Eventually<void> {
    const removed = others.map((o) => [...itemsOf(o)])
    return this.state.modify((items) => {
      for (const o of removed) for (const item of o) items.delete(item)
    })
  }
  symmetric_difference(other: unknown): Eventually<PySet> {
    const o = new PySet(itemsOf(other))
    return this.state.read((items) => symmetric(items, o))
  }
  symmetric_difference_update(other: unknown): Eventually<void> {
    const o = new PySet(itemsOf(other))
    return this.state.modify((items) => {
      const next = symmetric(items, o)
      items.clear()
      for (const item of next) items.add(item)
    })
  }
  isdisjoint(other: unknown): Eventually<boolean> {
    const o = [...itemsOf(other)]
    return this.state.read((items) => !o.some((item) => items.has(item)))
  }
  issubset(other: unknown): Eventually<boolean> {
    const o = new PySet(itemsOf(other))
    return this.state.read((items) => [...items].every((item) => o.has(item)))
  }
  issuperset(other: unknown): Eventually<boolean> {
    const o = [...itemsOf(other)]
    return this.state.read((items) => o.every((item) => items.has(item)))
  }
}

const symmetric = (items: PySet, o: PySet): PySet => {
  const out = new PySet([...items].filter((item) => !o.has(item)))
  for (const item of o) if (!items.has(item)) out.add(item)
  return out
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
