/**
 * The containers' state in this process's memory: a PyDict, an array, a
 * PySet, a Map of attributes, a single value. Every operation completes at
 * once, as a plain value. Classes, not closures: a manager may hold a
 * million of them, and methods on a prototype cost nothing per object.
 *
 * @since 0.1.0
 */
import type { ArrayState, CellState, DictState, Entry, ListState, NamespaceState, SetState } from "../../domain/state/Containers.ts"
import { tokensIn, tokensInAll } from "../../domain/TokenWalk.ts"
import { guarded, positional } from "../../domain/types/Iterator.ts"
import { repr } from "../../domain/values/Equality.ts"
import { NamespaceValue, PyArray, ValueCopy } from "../../domain/values/PyObjects.ts"
import { PyDict } from "../../domain/values/PyDict.ts"
import { PySet } from "../../domain/values/PySet.ts"

/** @category models @since 0.1.0 */
export class MemoryDict implements DictState {
  readonly map: PyDict<unknown, unknown>
  constructor(initial: ReadonlyArray<Entry>) {
    this.map = new PyDict(initial)
  }
  size() {
    return this.map.size
  }
  entry(key: unknown) {
    return this.map.entry(key)
  }
  set(key: unknown, value: unknown) {
    this.map.set(key, value)
  }
  update(items: ReadonlyArray<Entry>) {
    for (const [k, v] of items) this.map.set(k, v)
  }
  pop(key: unknown) {
    const e = this.map.entry(key)
    if (e !== undefined) this.map.delete(key)
    return e
  }
  setDefault(key: unknown, value: unknown) {
    const e = this.map.entry(key)
    if (e !== undefined) return e[1]
    this.map.set(key, value)
    return value
  }
  popLast() {
    return this.map.popLast()
  }
  entries() {
    return [...this.map]
  }
  clear() {
    this.map.clear()
  }
  iterateKeys() {
    return guarded(this.map.keys(), () => this.map.size, "dictionary")
  }
  copy() {
    return new PyDict(this.map)
  }
  children() {
    return tokensInAll([...this.map.keys(), ...this.map.values()]).values()
  }
  describe() {
    return repr(this.map)
  }
  snapshot() {
    return this.map
  }
  dispose() {}
}

/** @category models @since 0.1.0 */
export class MemoryList implements ListState {
  readonly items: Array<unknown>
  constructor(initial: ReadonlyArray<unknown>) {
    this.items = [...initial]
  }
  length() {
    return this.items.length
  }
  read<R>(f: (items: ReadonlyArray<unknown>) => R): R {
    return f(this.items)
  }
  modify<R>(f: (items: Array<unknown>) => R): R {
    return f(this.items)
  }
  append(value: unknown) {
    this.items.push(value)
  }
  iterate() {
    return positional(this.items)
  }
  children() {
    return tokensInAll(this.items).values()
  }
  describe() {
    return repr(this.items)
  }
  snapshot() {
    return this.items
  }
  dispose() {}
}

/** @category models @since 0.1.0 */
export class MemorySet implements SetState {
  readonly items: PySet<unknown>
  constructor(initial: ReadonlyArray<unknown>) {
    this.items = new PySet(initial)
  }
  size() {
    return this.items.size
  }
  has(item: unknown) {
    return this.items.has(item)
  }
  add(item: unknown) {
    this.items.add(item)
  }
  delete(item: unknown) {
    return this.items.delete(item)
  }
  popFirst() {
    return this.items.size === 0 ? undefined : { item: this.items.popFirst() }
  }
  read<R>(f: (items: PySet) => R): R {
    return f(this.items)
  }
  modify<R>(f: (items: PySet) => R): R {
    return f(this.items)
  }
  iterate() {
    return guarded(this.items, () => this.items.size, "Set")
  }
  children() {
    return tokensInAll(this.items).values()
  }
  describe() {
    return repr(this.items)
  }
  snapshot() {
    return this.items
  }
  dispose() {}
}

/** @category models @since 0.1.0 */
export class MemoryNamespace implements NamespaceState {
  readonly attributes: Map<string, unknown>
  constructor(initial: ReadonlyArray<readonly [string, unknown]>) {
    this.attributes = new Map(initial)
  }
  get(name: string) {
    return this.attributes.has(name) ? { value: this.attributes.get(name) } : undefined
  }
  set(name: string, value: unknown) {
    this.attributes.set(name, value)
  }
  delete(name: string) {
    return this.attributes.delete(name)
  }
  entries() {
    return [...this.attributes]
  }
  children() {
    return tokensInAll(this.attributes.values()).values()
  }
  describe() {
    const items = [...this.attributes].filter(([k]) => !k.startsWith("_")).map(([k, v]) => `${k}=${repr(v)}`).sort()
    return `Namespace(${items.join(", ")})`
  }
  snapshot() {
    return new NamespaceValue(Object.fromEntries(this.attributes))
  }
  dispose() {}
}

/** @category models @since 0.1.0 */
export class MemoryCell implements CellState {
  readonly typecode: string
  current: unknown
  constructor(typecode: string, initial: unknown) {
    this.typecode = typecode
    this.current = initial
  }
  get() {
    return this.current
  }
  set(value: unknown) {
    this.current = value
  }
  children() {
    return tokensIn(this.current).values()
  }
  describe() {
    return `Value(${repr(this.typecode)}, ${repr(this.current)})`
  }
  snapshot() {
    return new ValueCopy(this.typecode, this.current)
  }
  dispose() {}
}

/** @category models @since 0.1.0 */
export class MemoryArray implements ArrayState {
  readonly typecode: string
  readonly items: Array<number | bigint | string>
  constructor(typecode: string, initial: ReadonlyArray<number | bigint | string>) {
    this.typecode = typecode
    this.items = [...initial]
  }
  read<R>(f: (items: ReadonlyArray<number | bigint | string>) => R): R {
    return f(this.items)
  }
  modify<R>(f: (items: Array<number | bigint | string>) => R): R {
    return f(this.items)
  }
  children() {
    return []
  }
  describe() {
    return this.items.length === 0 ? `array('${this.typecode}')` : `array('${this.typecode}', ${repr(this.items)})`
  }
  snapshot() {
    return new PyArray(this.typecode, [...this.items])
  }
  dispose() {}
}
