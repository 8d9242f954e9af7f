/**
 * The unpickler's working state: the value stack with its MARKs, the memo,
 * and the limits that keep a hostile pickle from exhausting memory or time.
 * Alongside each value it tracks how deeply it nests containers and a
 * weight (about its size once expanded), so nesting is capped as values are
 * built, and work done on a value (hashing it as a key, copying it into
 * bytes, formatting it into an exception message) is charged by its size:
 * a value the memo lets the pickle reuse many times cannot multiply that
 * work beyond a budget.
 *
 * @since 0.1.0
 */
import { Token } from "../../domain/Token.ts"
import type { PyDict } from "../../domain/values/PyDict.ts"
import { PyFloat } from "../../domain/values/PyObjects.ts"
import type { PySet } from "../../domain/values/PySet.ts"
import { ByteReader } from "./ByteReader.ts"
import { PyGlobal } from "./Records.ts"

/** The limits of one decode, all required (defaults are applied by `decodePickle`). @since 0.1.0 */
export interface DecodeLimits {
  readonly maxDepth: number
  readonly maxMemo: number
  readonly maxMarks: number
  readonly maxItems: number
  readonly maxContainers: number
  /** Budget for work beyond reading: hashing keys, copying and formatting values the pickle reuses. */
  readonly maxWork: number
}

const MAX_WEIGHT = 1e15

/** Objects that hold no other decoded values: sharing them cannot hide nesting. */
const isLeafObject = (u: object): boolean =>
  u instanceof Uint8Array || u instanceof PyFloat || u instanceof Token || u instanceof PyGlobal

/** A short type name for error messages. @since 0.1.0 */
export const typeName = (u: unknown): string =>
  u === null ? "None" : typeof u !== "object" ? typeof u : (u.constructor?.name ?? "object")

/** The stack, marks and memo of one decode, with their limits. @since 0.1.0 */
export class DecodeStack extends ByteReader {
  readonly stack: Array<unknown> = []
  /** Container nesting of each stack value (0 for scalars). */
  readonly depths: Array<number> = []
  /** Size of each stack value once expanded (about its characters and items), saturating. */
  readonly weights: Array<number> = []
  /** Stack lengths at each open MARK. */
  readonly marks: Array<number> = []
  readonly memo: Array<unknown> = []
  readonly memoDepth: Array<number> = []
  readonly memoWeight: Array<number> = []
  memoCount = 0

  items = 0
  containers = 0
  work = 0
  /** Set when a container became reachable twice; the finished value then gets `checkGraph`. */
  shared = false
  /** Scratch results of `collect`. */
  lastDepth = 0
  lastWeight = 0

  readonly limits: DecodeLimits

  constructor(bytes: Uint8Array, limits: DecodeLimits) {
    super(bytes)
    this.limits = limits
  }

  fence(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0
  }
  push(v: unknown, depth: number, weight: number): void {
    if (++this.items > this.limits.maxItems) throw this.fail(`more than ${this.limits.maxItems} values`)
    this.stack.push(v)
    this.depths.push(depth)
    this.weights.push(weight)
  }
  pushContainer(v: unknown, depth: number, weight: number): void {
    if (++this.containers > this.limits.maxContainers) throw this.fail(`more than ${this.limits.maxContainers} containers`)
    if (depth > this.limits.maxDepth) throw this.fail(`nesting deeper than ${this.limits.maxDepth}`)
    this.push(v, depth, weight < MAX_WEIGHT ? weight : MAX_WEIGHT)
  }
  /** Index of the top value, which must lie above the innermost MARK. */
  topIndex(what: string): number {
    const i = this.stack.length - 1
    if (i < this.fence()) throw this.fail(`stack underflow (${what})`)
    return i
  }
  pop(what: string): unknown {
    this.topIndex(what)
    this.depths.pop()
    this.weights.pop()
    return this.stack.pop()
  }
  popMark(what: string): number {
    const k = this.marks.pop()
    if (k === undefined) throw this.fail(`${what} without MARK`)
    return k
  }
  /** Takes the values from `start` off the stack; their nesting and weight go to `lastDepth`/`lastWeight`. */
  collect(start: number): Array<unknown> {
    let d = 0
    let w = 1
    for (let i = start; i < this.depths.length; i++) {
      if (this.depths[i]! > d) d = this.depths[i]!
      w += this.weights[i]!
    }
    this.lastDepth = d + 1
    this.lastWeight = w
    const items = this.stack.slice(start)
    this.stack.length = start
    this.depths.length = start
    this.weights.length = start
    return items
  }
  /** Records that the container at `index` now holds values of the given nesting and weight. */
  grow(index: number, depth: number, weight: number): void {
    if (depth + 1 > this.depths[index]!) {
      if (depth + 1 > this.limits.maxDepth) throw this.fail(`nesting deeper than ${this.limits.maxDepth}`)
      this.depths[index] = depth + 1
    }
    const w = this.weights[index]! + weight
    this.weights[index] = w < MAX_WEIGHT ? w : MAX_WEIGHT
  }
  /** Charges work proportional to a value's weight against `maxWork`. */
  charge(weight: number): void {
    this.work += weight
    if (this.work > this.limits.maxWork) throw this.fail(`work over ${this.limits.maxWork} (values too large or reused too often)`)
  }
  noteShared(v: unknown): void {
    if (typeof v === "object" && v !== null && !isLeafObject(v)) this.shared = true
  }

  // ---- memo ----------------------------------------------------------------

  memoPut(index: number): void {
    if (index >= this.limits.maxMemo) throw this.fail(`memo index ${index} over the limit of ${this.limits.maxMemo}`)
    const i = this.topIndex("memo put")
    if (this.memo[index] === undefined) this.memoCount++
    this.memo[index] = this.stack[i]
    this.memoDepth[index] = this.depths[i]!
    this.memoWeight[index] = this.weights[i]!
  }
  memoGet(index: number): void {
    const v = index < this.limits.maxMemo ? this.memo[index] : undefined
    if (v === undefined) throw this.fail(`memo index ${index} not found`)
    this.noteShared(v)
    this.push(v, this.memoDepth[index]!, this.memoWeight[index]!)
  }
  dictSet(d: PyDict<unknown, unknown>, k: unknown, v: unknown, keyWeight: number): void {
    this.charge(keyWeight)
    try {
      d.set(k, v)
    } catch {
      throw this.fail(`unhashable dict key of type ${typeName(k)}`)
    }
  }
  setAdd(s: PySet<unknown>, item: unknown, weight: number): void {
    this.charge(weight)
    try {
      s.add(item)
    } catch {
      throw this.fail(`unhashable set item of type ${typeName(item)}`)
    }
  }
}
