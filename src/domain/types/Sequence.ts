/**
 * Python's index and slice rules for sequences: negative indices, bounds
 * errors, and `slice.indices`, shared by the list and Array referents.
 *
 * @since 0.1.0
 */
import { IndexError, TypeError, ValueError } from "../PythonErrors.ts"
import { PyFloat, Slice } from "../values/PyObjects.ts"
import { pythonType } from "../values/PythonType.ts"

const asInteger = (u: unknown, what: string): number => {
  if (typeof u === "boolean") return u ? 1 : 0
  if (typeof u === "bigint") return Number(u)
  if (typeof u === "number" && Number.isInteger(u)) return u
  if (u instanceof PyFloat || typeof u === "number") {
    throw TypeError.make(`${what} indices must be integers or slices, not float`)
  }
  throw TypeError.make(`${what} indices must be integers or slices, not ${pythonType(u)}`)
}

/**
 * The position an index designates in a sequence of `length`.
 *
 * @throws IndexError when it is out of range.
 * @since 0.1.0
 */
export const normalizeIndex = (index: unknown, length: number, what = "list"): number => {
  const i = asInteger(index, what)
  const j = i < 0 ? i + length : i
  if (j < 0 || j >= length) throw IndexError.make(`${what} index out of range`)
  return j
}

const sliceBound = (u: unknown): number | null => {
  if (u === null || u === undefined) return null
  if (typeof u === "bigint") return Number(u)
  if (typeof u === "boolean") return u ? 1 : 0
  if (typeof u === "number" && Number.isInteger(u)) return u
  throw TypeError.make("slice indices must be integers or None or have an __index__ method")
}

/**
 * `slice.indices(length)`: start, stop and step clipped to the sequence.
 *
 * @since 0.1.0
 */
export const sliceIndices = (s: Slice, length: number): readonly [number, number, number] => {
  const step = sliceBound(s.step) ?? 1
  if (step === 0) throw ValueError.make("slice step cannot be zero")
  const lower = step < 0 ? -1 : 0
  const upper = step < 0 ? length - 1 : length
  const clip = (bound: number | null, fallback: number): number => {
    if (bound === null) return fallback
    if (bound < 0) return Math.max(bound + length, lower)
    return Math.min(bound, upper)
  }
  return [clip(sliceBound(s.start), step < 0 ? upper : lower), clip(sliceBound(s.stop), step < 0 ? lower : upper), step]
}

/** The positions a slice selects, in order. @since 0.1.0 */
export const slicePositions = (s: Slice, length: number): Array<number> => {
  const [start, stop, step] = sliceIndices(s, length)
  const out: Array<number> = []
  if (step > 0) for (let i = start; i < stop; i += step) out.push(i)
  else for (let i = start; i > stop; i += step) out.push(i)
  return out
}

/** Reads `items[key]` where key is an index or a Slice. @since 0.1.0 */
export const getItem = <T>(items: ReadonlyArray<T>, key: unknown, what: string): T | Array<T> => {
  if (key instanceof Slice) return slicePositions(key, items.length).map((i) => items[i]!)
  return items[normalizeIndex(key, items.length, what)]!
}

/** Writes `items[key] = value` where key is an index or a Slice (value then an iterable). @since 0.1.0 */
export const setItem = <T>(items: Array<T>, key: unknown, value: unknown, what: string): void => {
  if (!(key instanceof Slice)) {
    items[normalizeIndex(key, items.length, what)] = value as T
    return
  }
  const values = [...(value as Iterable<T>)]
  const [start, stop, step] = sliceIndices(key, items.length)
  if (step === 1) {
    items.splice(start, Math.max(0, stop - start), ...values)
    return
  }
  const positions = slicePositions(key, items.length)
  if (positions.length !== values.length) {
    throw ValueError.make(
      `attempt to assign sequence of size ${values.length} to extended slice of size ${positions.length}`
    )
  }
  positions.forEach((p, i) => {
    items[p] = values[i]!
  })
}

/** Deletes `items[key]` where key is an index or a Slice. @since 0.1.0 */
export const deleteItem = <T>(items: Array<T>, key: unknown, what: string): void => {
  if (!(key instanceof Slice)) {
    items.splice(normalizeIndex(key, items.length, what), 1)
    return
  }
  const positions = new Set(slicePositions(key, items.length))
  let w = 0
  for (let r = 0; r < items.length; r++) if (!positions.has(r)) items[w++] = items[r]!
  items.length = w
}
