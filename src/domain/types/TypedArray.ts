/**
 * A shared `array.array` (`manager.Array("i", [1, 2, 3])`): a fixed-length
 * sequence whose items are checked against the typecode on every write, with
 * CPython's TypeError and OverflowError.
 *
 * @since 0.1.0
 */
import { OverflowError, TypeError, ValueError } from "../PythonErrors.ts"
import type { Eventually } from "../Eventually.ts"
import type { ArrayState } from "../state/Containers.ts"
import { PyArray, PyFloat } from "../values/PyObjects.ts"
import { pythonType } from "../values/PythonType.ts"
import { getItem, setItem } from "./Sequence.ts"
import { SharedObject } from "./SharedObject.ts"

interface IntRange {
  readonly min: bigint
  readonly max: bigint
  readonly signed: boolean
}

const ints: Record<string, IntRange> = {
  b: { min: -128n, max: 127n, signed: true },
  B: { min: 0n, max: 255n, signed: false },
  h: { min: -32768n, max: 32767n, signed: true },
  H: { min: 0n, max: 65535n, signed: false },
  i: { min: -2147483648n, max: 2147483647n, signed: true },
  I: { min: 0n, max: 4294967295n, signed: false },
  l: { min: -(2n ** 63n), max: 2n ** 63n - 1n, signed: true },
  L: { min: 0n, max: 2n ** 64n - 1n, signed: false },
  q: { min: -(2n ** 63n), max: 2n ** 63n - 1n, signed: true },
  Q: { min: 0n, max: 2n ** 64n - 1n, signed: false }
}

/** The typecodes `array.array` accepts. @since 0.1.0 */
export const typecodes = "bBuhHiIlLqQfd"

const checkItem = (typecode: string, u: unknown): number | bigint | string => {
  const range = ints[typecode]
  if (range !== undefined) {
    if (typeof u === "boolean") u = u ? 1 : 0
    if (typeof u !== "number" && typeof u !== "bigint") {
      throw TypeError.make(`'${pythonType(u)}' object cannot be interpreted as an integer`)
    }
    if (typeof u === "number" && !Number.isInteger(u)) {
      throw TypeError.make("'float' object cannot be interpreted as an integer")
    }
    const b = BigInt(u)
    if (b < range.min) {
      throw OverflowError.make(range.signed ? "signed integer is less than minimum" : "unsigned integer is less than minimum")
    }
    if (b > range.max) {
      throw OverflowError.make(
        range.signed ? "signed integer is greater than maximum" : "unsigned integer is greater than maximum"
      )
    }
    return Number.isSafeInteger(Number(b)) ? Number(b) : b
  }
  if (typecode === "f" || typecode === "d") {
    if (typeof u === "number") return typecode === "f" ? Math.fround(u) : u
    if (typeof u === "bigint" || typeof u === "boolean") return Number(u)
    if (u instanceof PyFloat) return u.value
    throw TypeError.make(`must be real number, not ${pythonType(u)}`)
  }
  if (typeof u !== "string" || [...u].length !== 1) {
    throw TypeError.make(`array item must be unicode character, not ${pythonType(u)}`)
  }
  return u
}

/** A typecode checked, as `array.array` checks it. @since 0.1.0 */
export const checkTypecode = (typecode: unknown): string => {
  const code = String(typecode)
  if (code.length !== 1 || !typecodes.includes(code)) {
    throw ValueError.make(`bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)`)
  }
  return code
}

/** The items an Array starts with, checked against its typecode. @since 0.1.0 */
export const initialArrayItems = (code: string, sequence: Iterable<unknown> | number = []): Array<number | bigint | string> => {
  // CPython's sharedctypes accept a length for a zeroed array; array.array does not, but users expect it.
  const source = typeof sequence === "number" ? Array.from({ length: sequence }, () => (code === "u" ? "\0" : 0)) : sequence
  return [...source].map((u) => checkItem(code, u))
}

/** @since 0.1.0 */
export class TypedArray extends SharedObject<ArrayState> {
  get typecode(): string {
    return this.state.typecode
  }

  __len__(): Eventually<number> {
    return this.state.read((items) => items.length)
  }

  __getitem__(key: unknown): Eventually<unknown> {
    return this.state.read((items) => {
      const got = getItem(items, key, "array")
      return Array.isArray(got) ? new PyArray(this.typecode, got) : got
    })
  }

  __setitem__(key: unknown, value: unknown): Eventually<void> {
    if (Array.isArray(value) || value instanceof PyArray) {
      const items = (value instanceof PyArray ? value.items : value).map((u) => checkItem(this.typecode, u))
      return this.state.modify((current) => setItem(current, key, items, "array"))
    }
    const item = checkItem(this.typecode, value)
    return this.state.modify((current) => setItem(current, key, item, "array assignment"))
  }
}

/** What ArrayProxy exposes. @since 0.1.0 */
export const arrayExposed: ReadonlyArray<string> = ["__len__", "__getitem__", "__setitem__"]
