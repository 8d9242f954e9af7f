/**
 * Python's `==`, `<` and `repr` over the JS values that stand for Python
 * ones, so that a shared list's `index`, `count`, `remove` and `sort`, and a
 * dict's `repr`, behave for every peer as they do in CPython.
 *
 * @since 0.1.0
 */
import { TypeError } from "../PythonErrors.ts"
import { Token } from "../Token.ts"
import { PyArray, PyFloat, PyObject, Slice, ValueCopy } from "./PyObjects.ts"
import { isNumeric, numericValue, type PythonType, pythonType } from "./PythonType.ts"
import { Tuple } from "./Tuple.ts"

const compareNumbers = (a: number | bigint, b: number | bigint): number => {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0
  // Mixed number and bigint: compare exactly, never through a lossy conversion.
  if (typeof a === "number" && !Number.isFinite(a)) return Number.isNaN(a) ? NaN : a > 0 ? 1 : -1
  if (typeof b === "number" && !Number.isFinite(b)) return Number.isNaN(b) ? NaN : b > 0 ? -1 : 1
  const x = typeof a === "number" ? a : Number(a)
  const y = typeof b === "number" ? b : Number(b)
  if (x !== y) return x < y ? -1 : 1
  const ai = typeof a === "bigint" ? a : Number.isInteger(a) ? BigInt(a) : undefined
  const bi = typeof b === "bigint" ? b : Number.isInteger(b) ? BigInt(b) : undefined
  if (ai === undefined || bi === undefined) return x < y ? -1 : x > y ? 1 : 0
  return ai < bi ? -1 : ai > bi ? 1 : 0
}

const entriesOf = (u: object): Iterable<readonly [unknown, unknown]> =>
  u instanceof Map ? u.entries() : Object.entries(u)

const sizeOf = (u: object): number => (u instanceof Map ? u.size : Object.keys(u).length)

const lookup = (u: object, key: unknown): { found: boolean; value?: unknown } => {
  if (u instanceof Map) return u.has(key) ? { found: true, value: u.get(key) } : { found: false }
  if (typeof key === "string" && Object.hasOwn(u, key)) return { found: true, value: (u as Record<string, unknown>)[key] }
  return { found: false }
}

/**
 * Python's `a == b`.
 *
 * @since 0.1.0
 */
export const equals = (a: unknown, b: unknown): boolean => equalsIn(a, b, new Map())

// `seen` holds the container pairs being compared, so cyclic values compare as CPython's do without recursing forever.
const equalsIn = (a: unknown, b: unknown, seen: Map<unknown, Set<unknown>>): boolean => {
  if (a === b) return true
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(numericValue(a), numericValue(b)) === 0
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true
  const ta = pythonType(a)
  const tb = pythonType(b)
  if (ta === "bytes" || ta === "bytearray") {
    if (tb !== "bytes" && tb !== "bytearray") return false
    const x = a as Uint8Array
    const y = b as Uint8Array
    if (x.length !== y.length) return false
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false
    return true
  }
  if (ta === "set" || ta === "frozenset") {
    if (tb !== "set" && tb !== "frozenset") return false
    const x = a as Set<unknown>
    const y = b as Set<unknown>
    if (x.size !== y.size) return false
    for (const item of x) if (!y.has(item) && ![...y].some((other) => equalsIn(item, other, seen))) return false
    return true
  }
  if (ta !== tb) return false
  if (typeof a === "object" && a !== null) {
    // A pair already being compared further up: assume equal, as a cycle adds nothing new.
    const partners = seen.get(a) ?? new Set()
    if (partners.has(b)) return true
    partners.add(b)
    seen.set(a, partners)
  }
  switch (ta) {
    case "list":
    case "tuple": {
      const x = a as ReadonlyArray<unknown>
      const y = b as ReadonlyArray<unknown>
      if (x.length !== y.length) return false
      for (let i = 0; i < x.length; i++) if (!equalsIn(x[i], y[i], seen)) return false
      return true
    }
    case "dict": {
      const x = a as object
      const y = b as object
      if (sizeOf(x) !== sizeOf(y)) return false
      for (const [k, v] of entriesOf(x)) {
        const other = lookup(y, k)
        if (!other.found || !equalsIn(v, other.value, seen)) return false
      }
      return true
    }
    case "Token":
      return (a as Token).id === (b as Token).id && (a as Token).address === (b as Token).address
    case "datetime":
      return (a as Date).getTime() === (b as Date).getTime()
    case "slice": {
      const x = a as Slice
      const y = b as Slice
      return equalsIn(x.start, y.start, seen) && equalsIn(x.stop, y.stop, seen) && equalsIn(x.step, y.step, seen)
    }
    case "array": {
      const x = a as PyArray
      const y = b as PyArray
      return x.typecode === y.typecode && equalsIn(x.items, y.items, seen)
    }
    case "Namespace":
      return equalsIn({ ...(a as object) }, { ...(b as object) }, seen)
    case "Value": {
      const x = a as ValueCopy
      const y = b as ValueCopy
      return x.typecode === y.typecode && equalsIn(x.value, y.value, seen)
    }
    default:
      return false
  }
}

const codePointCompare = (a: string, b: string): number => {
  // JS compares UTF-16 code units; Python compares code points. They differ only past the BMP.
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!
    const y = b.codePointAt(i)!
    if (x !== y) return x < y ? -1 : 1
    if (x > 0xffff) i++
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

/**
 * Python's ordering for `sort`: numbers, strings, bytes, and lists or tuples
 * of those, element by element. Mixed kinds fail with TypeError, as in Python.
 *
 * @since 0.1.0
 */
export const compare = (a: unknown, b: unknown): number => {
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(numericValue(a), numericValue(b))
  const ta = pythonType(a)
  const tb = pythonType(b)
  if (ta === "str" && tb === "str") return codePointCompare(a as string, b as string)
  if ((ta === "bytes" || ta === "bytearray") && (tb === "bytes" || tb === "bytearray")) {
    const x = a as Uint8Array
    const y = b as Uint8Array
    const n = Math.min(x.length, y.length)
    for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1
    return x.length - y.length
  }
  if ((ta === "list" || ta === "tuple") && ta === tb) {
    const x = a as ReadonlyArray<unknown>
    const y = b as ReadonlyArray<unknown>
    const n = Math.min(x.length, y.length)
    for (let i = 0; i < n; i++) {
      if (!equals(x[i], y[i])) return compare(x[i], y[i])
    }
    return x.length - y.length
  }
  throw TypeError.make(`'<' not supported between instances of '${ta}' and '${tb}'`)
}

const reprString = (s: string): string => {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += "\\" + ch
    else if (ch === "\n") out += "\\n"
    else if (ch === "\r") out += "\\r"
    else if (ch === "\t") out += "\\t"
    else if (ch < " " || ch === "\x7f") out += "\\x" + ch.charCodeAt(0).toString(16).padStart(2, "0")
    else out += ch
  }
  return out + quote
}

const reprFloat = (n: number): string => {
  if (Number.isNaN(n)) return "nan"
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf"
  const [mantissa, exponentText] = n.toExponential().split("e") as [string, string]
  const exponent = Number(exponentText)
  // Python switches to exponent notation below 1e-4 and from 1e16 on.
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`
  }
  const s = String(n)
  return s.includes(".") ? s : `${s}.0`
}

const reprBytes = (b: Uint8Array): string => {
  let out = "b'"
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!
    if (c === 0x27 || c === 0x5c) out += "\\" + String.fromCharCode(c)
    else if (c === 0x0a) out += "\\n"
    else if (c === 0x0d) out += "\\r"
    else if (c === 0x09) out += "\\t"
    else if (c < 0x20 || c >= 0x7f) out += "\\x" + c.toString(16).padStart(2, "0")
    else out += String.fromCharCode(c)
  }
  return out + "'"
}

/**
 * Python's `repr` of a value, used for a referent's string form and for the
 * messages of KeyError and friends.
 *
 * @since 0.1.0
 */
export const repr = (u: unknown): string => reprIn(u, new Set())

const reprIn = (u: unknown, seen: Set<unknown>): string => {
  const t = pythonType(u)
  if ((t === "list" || t === "dict" || t === "set") && seen.has(u)) return t === "list" ? "[...]" : "{...}"
  const r = (x: unknown) => reprIn(x, seen)
  if (typeof u === "object" && u !== null) seen.add(u)
  try {
    return reprOf(u, t, r)
  } finally {
    if (typeof u === "object" && u !== null) seen.delete(u)
  }
}

const reprOf = (u: unknown, type: PythonType, repr: (x: unknown) => string): string => {
  switch (type) {
    case "NoneType":
      return "None"
    case "bool":
      return u ? "True" : "False"
    case "int":
      return String(u)
    case "float":
      return reprFloat(u instanceof PyFloat ? u.value : (u as number))
    case "str":
      return reprString(u as string)
    case "bytes":
      return reprBytes(u as Uint8Array)
    case "bytearray":
      return `bytearray(${reprBytes(u as Uint8Array)})`
    case "tuple": {
      const t = u as Tuple
      return t.length === 1 ? `(${repr(t[0])},)` : `(${t.map(repr).join(", ")})`
    }
    case "list":
      return `[${(u as Array<unknown>).map(repr).join(", ")}]`
    case "dict": {
      const parts: Array<string> = []
      for (const [k, v] of entriesOf(u as object)) parts.push(`${repr(k)}: ${repr(v)}`)
      return `{${parts.join(", ")}}`
    }
    case "set":
    case "frozenset": {
      const items = [...(u as Set<unknown>)].map(repr)
      if (type === "frozenset") return `frozenset({${items.join(", ")}})`
      return items.length === 0 ? "set()" : `{${items.join(", ")}}`
    }
    case "slice": {
      const s = u as Slice
      return `slice(${repr(s.start)}, ${repr(s.stop)}, ${repr(s.step)})`
    }
    case "array": {
      const a = u as PyArray
      return a.items.length === 0 ? `array('${a.typecode}')` : `array('${a.typecode}', ${repr(a.items)})`
    }
    case "Namespace":
      return `Namespace(${Object.entries(u as object).map(([k, v]) => `${k}=${repr(v)}`).sort().join(", ")})`
    case "Value": {
      const v = u as ValueCopy
      return `Value(${repr(v.typecode)}, ${repr(v.value)})`
    }
    case "Token":
      return String(u)
    case "datetime":
      return (u as Date).toISOString()
    default:
      if (u instanceof PyObject) return `<${u.module}.${u.name} object>`
      return String(u)
  }
}
