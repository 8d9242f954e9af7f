/**
 * The scalar types of XML-RPC as CPython reads and writes them: `int()` and
 * `float()` over element text, `base64.decodebytes` / `encodebytes`, the
 * `%Y%m%dT%H:%M:%S` date format, and `repr(float)`. Each reader accepts what
 * CPython accepts (ASCII digits only: CPython also takes other Unicode
 * digits) and fails with an `XmlRpcError` where CPython raises.
 *
 * @since 0.1.0
 */
import { PyFloat } from "../../domain/values/PyObjects.ts"
import { malformed } from "./XmlRpcError.ts"

/** CPython's default `sys.get_int_max_str_digits()`: longer decimal ints are refused. */
const MAX_INT_DIGITS = 4300

// Python's str.isspace(), which int(), float() and str.strip() use.
const isPySpace = (c: number): boolean =>
  (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c === 0x85 || c === 0xa0 || c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000

/** Python's `str.strip()`, by index (a trailing-space regex can take quadratic time). */
const pyStrip = (s: string): string => {
  let a = 0
  let b = s.length
  while (a < b && isPySpace(s.charCodeAt(a))) a++
  while (b > a && isPySpace(s.charCodeAt(b - 1))) b--
  return s.slice(a, b)
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/** End of the digit run at `i` (single underscores allowed between digits, as in Python), or -1. */
const scanDigits = (s: string, i: number): number => {
  if (!isDigit(s.charCodeAt(i))) return -1
  i++
  for (;;) {
    const c = s.charCodeAt(i)
    if (isDigit(c)) i++
    else if (c === 0x5f && isDigit(s.charCodeAt(i + 1))) i += 2
    else return i
  }
}

const shown = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s)

/**
 * `int(text)`: a number when it is a safe integer, a bigint beyond.
 *
 * @since 0.1.0
 */
export const parseInteger = (text: string): number | bigint => {
  const s = pyStrip(text)
  const signed = s.charCodeAt(0) === 0x2b || s.charCodeAt(0) === 0x2d
  const start = signed ? 1 : 0
  if (scanDigits(s, start) !== s.length) throw malformed(`bad int value ${shown(text)}`)
  const digits = s.slice(start).replaceAll("_", "")
  if (digits.length > MAX_INT_DIGITS) throw malformed(`int with more than ${MAX_INT_DIGITS} digits`)
  const negative = s.charCodeAt(0) === 0x2d
  if (digits.length <= 15) {
    const n = Number(digits)
    return negative && n !== 0 ? -n : n
  }
  const big = BigInt(digits)
  const value = negative ? -big : big
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
}

/**
 * `float(text)`: a number, or a `PyFloat` when integral so it stays a float.
 *
 * @since 0.1.0
 */
export const parseDouble = (text: string): number | PyFloat => {
  const s = pyStrip(text)
  const signed = s.charCodeAt(0) === 0x2b || s.charCodeAt(0) === 0x2d
  const negative = s.charCodeAt(0) === 0x2d
  const i = signed ? 1 : 0
  if (s.length - i <= 8) {
    const word = s.slice(i).toLowerCase()
    if (word === "inf" || word === "infinity") return negative ? -Infinity : Infinity
    if (word === "nan") return NaN
  }
  let j = scanDigits(s, i)
  if (j < 0) {
    j = s.charCodeAt(i) === 0x2e ? scanDigits(s, i + 1) : -1
  } else if (s.charCodeAt(j) === 0x2e) {
    const k = scanDigits(s, j + 1)
    j = k < 0 ? j + 1 : k
  }
  if (j >= 0 && (s.charCodeAt(j) | 0x20) === 0x65) {
    const sign = s.charCodeAt(j + 1) === 0x2b || s.charCodeAt(j + 1) === 0x2d
    j = scanDigits(s, j + (sign ? 2 : 1))
  }
  if (j !== s.length) throw malformed(`bad double value ${shown(text)}`)
  const magnitude = Number(s.slice(i).replaceAll("_", ""))
  const value = negative ? -magnitude : magnitude
  return Number.isInteger(value) ? new PyFloat(value) : value
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const NON_ASCII = /[^\x00-\x7f]/
const DECODE = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i

/**
 * `base64.decodebytes(text.encode("ascii"))`: binascii's lenient decoder,
 * which skips characters outside the alphabet and stops at a complete pad.
 *
 * @since 0.1.0
 */
export const decodeBase64 = (text: string): Uint8Array => {
  if (NON_ASCII.test(text)) throw malformed("base64 data is not ASCII")
  const out = new Uint8Array(Math.floor(text.length / 4) * 3 + 3)
  let n = 0
  let quad = 0
  let left = 0
  let pads = 0
  let done = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x3d) {
      // A pad ends the data once it completes a quad (binascii.a2b_base64, non-strict mode).
      if (quad >= 2 && quad + ++pads >= 4) {
        done = true
        break
      }
      continue
    }
    const v = DECODE[c]!
    if (v < 0) continue
    pads = 0
    switch (quad) {
      case 0:
        left = v
        quad = 1
        break
      case 1:
        out[n++] = (left << 2) | (v >> 4)
        left = v & 0x0f
        quad = 2
        break
      case 2:
        out[n++] = (left << 4) | (v >> 2)
        left = v & 0x03
        quad = 3
        break
      default:
        out[n++] = (left << 6) | v
        quad = 0
    }
  }
  if (!done && quad === 1) throw malformed("bad base64: one data character more than a multiple of 4")
  if (!done && quad !== 0) throw malformed("bad base64: incorrect padding")
  return out.slice(0, n)
}

/**
 * `base64.encodebytes(bytes)`: lines of 76 characters, each ending in `\n`
 * (nothing at all for no bytes).
 *
 * @since 0.1.0
 */
export const encodeBase64Lines = (bytes: Uint8Array): string => {
  const lines: Array<string> = []
  const codes: Array<number> = []
  for (let line = 0; line < bytes.length; line += 57) {
    codes.length = 0
    const end = Math.min(bytes.length, line + 57)
    for (let i = line; i < end; i += 3) {
      const a = bytes[i]!
      const b = i + 1 < end ? bytes[i + 1]! : 0
      const c = i + 2 < end ? bytes[i + 2]! : 0
      codes.push(ALPHABET.charCodeAt(a >> 2), ALPHABET.charCodeAt(((a & 3) << 4) | (b >> 4)))
      codes.push(i + 1 < end ? ALPHABET.charCodeAt(((b & 15) << 2) | (c >> 6)) : 0x3d)
      codes.push(i + 2 < end ? ALPHABET.charCodeAt(c & 63) : 0x3d)
    }
    codes.push(0x0a)
    lines.push(String.fromCharCode(...codes))
  }
  return lines.join("")
}

// datetime.strptime(s, "%Y%m%dT%H:%M:%S"): the regex CPython's _strptime builds for it (re.IGNORECASE).
const DATETIME = /^(\d{4})(1[0-2]|0[1-9]|[1-9])(3[01]|[12]\d|0[1-9]|[1-9]| [1-9])T(2[0-3]|[01]\d|\d):([0-5]\d|\d):(6[01]|[0-5]\d|\d)$/i

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * A `dateTime.iso8601` value as a UTC Date: the stripped text must be what
 * `datetime.strptime(text, "%Y%m%dT%H:%M:%S")` accepts.
 *
 * @since 0.1.0
 */
export const parseDateTime = (text: string): Date => {
  const m = DATETIME.exec(pyStrip(text))
  if (m === null) throw malformed(`bad dateTime.iso8601 value ${shown(text)} (expected %Y%m%dT%H:%M:%S)`)
  const [year, month, day, hour, minute, second] = m.slice(1).map((g) => Number(g))
  // datetime() refuses year 0, days past the month's end and leap seconds, which strptime's regex lets through.
  if (year! < 1 || day! > daysIn(year!, month!) || second! > 59) throw malformed(`dateTime.iso8601 value out of range ${shown(text)}`)
  const date = new Date(0)
  date.setUTCFullYear(year!, month! - 1, day!)
  date.setUTCHours(hour!, minute!, second!, 0)
  return date
}

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

/**
 * A Date as CPython writes a naive datetime: `%Y%m%dT%H:%M:%S` in UTC, the
 * milliseconds dropped (CPython drops microseconds).
 *
 * @since 0.1.0
 */
export const formatDateTime = (date: Date): string =>
  `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1, 2)}${pad(date.getUTCDate(), 2)}T` +
  `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`

/**
 * Python's `repr(float)`: the shortest digits that round-trip, positional
 * when the decimal exponent is in [-4, 16), scientific (`1e+16`, `1e-05`)
 * otherwise, and `inf`, `-inf`, `nan`, `-0.0`.
 *
 * @since 0.1.0
 */
export const floatRepr = (x: number): string => {
  if (Number.isNaN(x)) return "nan"
  if (x === Infinity) return "inf"
  if (x === -Infinity) return "-inf"
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0"
  const sign = x < 0 ? "-" : ""
  // toExponential() with no argument gives the shortest round-trip digits, as Python's repr does.
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string]
  const digits = mantissa.replace(".", "")
  const point = Number(exponent) + 1
  if (point > 16 || point < -3) {
    const e = point - 1
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    return `${sign}${m}e${e < 0 ? "-" : "+"}${pad(Math.abs(e), 2)}`
  }
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}
