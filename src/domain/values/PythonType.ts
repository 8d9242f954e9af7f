/**
 * What Python type a JS value stands for. Equality, hashing, ordering and
 * `repr` follow Python's rules per type, so they all start here.
 *
 * @since 0.1.0
 */
import { Token } from "../Token.ts"
import { ByteArray, NamespaceValue, PyArray, PyFloat, PyObject, Slice, ValueCopy } from "./PyObjects.ts"
import { Tuple } from "./Tuple.ts"

/** @since 0.1.0 */
export type PythonType =
  | "NoneType"
  | "bool"
  | "int"
  | "float"
  | "str"
  | "bytes"
  | "bytearray"
  | "tuple"
  | "list"
  | "dict"
  | "set"
  | "frozenset"
  | "slice"
  | "array"
  | "Namespace"
  | "Value"
  | "Token"
  | "datetime"
  | "object"

/** A Python `frozenset` marker: sets that are immutable and hashable. @since 0.1.0 */
export interface FrozenMarker {
  readonly frozen: true
}

/** @since 0.1.0 */
export const pythonType = (u: unknown): PythonType => {
  switch (typeof u) {
    case "undefined":
      return "NoneType"
    case "boolean":
      return "bool"
    case "number":
      return Number.isInteger(u) ? "int" : "float"
    case "bigint":
      return "int"
    case "string":
      return "str"
    case "object": {
      if (u === null) return "NoneType"
      if (u instanceof Tuple) return "tuple"
      if (Array.isArray(u)) return "list"
      if (u instanceof ByteArray) return "bytearray"
      if (u instanceof Uint8Array) return "bytes"
      if (u instanceof Map) return "dict"
      if (u instanceof Set) return (u as unknown as Partial<FrozenMarker>).frozen === true ? "frozenset" : "set"
      if (u instanceof PyFloat) return "float"
      if (u instanceof Token) return "Token"
      if (u instanceof Slice) return "slice"
      if (u instanceof PyArray) return "array"
      if (u instanceof NamespaceValue) return "Namespace"
      if (u instanceof ValueCopy) return "Value"
      if (u instanceof Date) return "datetime"
      if (u instanceof PyObject) return "object"
      const proto = Object.getPrototypeOf(u)
      if (proto === Object.prototype || proto === null) return "dict"
      return "object"
    }
    default:
      return "object"
  }
}

/** True for values Python compares as numbers: bool, int and float. @since 0.1.0 */
export const isNumeric = (u: unknown): u is number | bigint | boolean | PyFloat =>
  typeof u === "number" || typeof u === "bigint" || typeof u === "boolean" || u instanceof PyFloat

/** The number or bigint a numeric value stands for (`True` is 1). @since 0.1.0 */
export const numericValue = (u: number | bigint | boolean | PyFloat): number | bigint =>
  typeof u === "boolean" ? (u ? 1 : 0) : u instanceof PyFloat ? u.value : u
