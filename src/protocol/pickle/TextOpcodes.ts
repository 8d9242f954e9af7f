/**
 * Parsers for the arguments of the protocol 0 text opcodes (INT, LONG,
 * FLOAT, STRING, UNICODE): decimal lines, Python 2 `repr` strings and
 * raw-unicode-escape text. CPython 3 still writes UNICODE, INT, LONG and
 * FLOAT at protocol 0; STRING and BINSTRING come from Python 2 peers. Each
 * parser returns `undefined` for input CPython would reject.
 *
 * @since 0.1.0
 */
import { PyFloat } from "../../domain/values/PyObjects.ts"
import type { DecodeStack } from "./DecodeStack.ts"
import { Op } from "./Opcodes.ts"

/** CPython's default `sys.int_info.default_max_str_digits`; it also keeps BigInt parsing linear. */
const MAX_DIGITS = 4300

const asInteger = (text: string): number | bigint | undefined => {
  if (!/^[+-]?\d+$/.test(text) || text.length > MAX_DIGITS + 1) return undefined
  const n = Number(text)
  return Number.isSafeInteger(n) ? n : BigInt(text)
}

/**
 * INT's argument: `00` and `01` are False and True (Python 2 bools), anything
 * else a decimal integer.
 *
 * @since 0.1.0
 */
export const parseIntLine = (line: string): number | bigint | boolean | undefined => {
  if (line === "00") return false
  if (line === "01") return true
  return asInteger(line)
}

/** LONG's argument: a decimal integer with an optional trailing `L`. @since 0.1.0 */
export const parseLongLine = (line: string): number | bigint | undefined =>
  asInteger(line.endsWith("L") ? line.slice(0, -1) : line)

/** FLOAT's argument, as `PyOS_string_to_double` reads it (no overflow to infinity). @since 0.1.0 */
export const parseFloatLine = (line: string): number | undefined => {
  if (!/^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i.test(line)) return undefined
  const lower = line.toLowerCase().replace(/^\+/, "")
  if (lower === "inf" || lower === "infinity") return Infinity
  if (lower === "-inf" || lower === "-infinity") return -Infinity
  if (lower.endsWith("nan")) return NaN
  const n = Number(line)
  return Number.isFinite(n) ? n : undefined
}

const hexValue = (c: number): number =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1

/**
 * The bytes a Python 2 `repr` string stands for (`codecs.escape_decode`),
 * given the line without its surrounding quotes.
 */
const escapeDecode = (b: Uint8Array, start: number, end: number): Array<number> | undefined => {
  const out: Array<number> = []
  let i = start
  while (i < end) {
    const c = b[i++]!
    if (c !== 0x5c) {
      out.push(c)
      continue
    }
    if (i >= end) return undefined // trailing backslash
    const e = b[i++]!
    switch (e) {
      case 0x0a: break // line continuation
      case 0x5c: case 0x27: case 0x22: out.push(e); break
      case 0x62: out.push(0x08); break
      case 0x66: out.push(0x0c); break
      case 0x74: out.push(0x09); break
      case 0x6e: out.push(0x0a); break
      case 0x72: out.push(0x0d); break
      case 0x76: out.push(0x0b); break
      case 0x61: out.push(0x07); break
      case 0x78: {
        const hi = i < end ? hexValue(b[i]!) : -1
        const lo = i + 1 < end ? hexValue(b[i + 1]!) : -1
        if (hi < 0 || lo < 0) return undefined
        out.push(hi * 16 + lo)
        i += 2
        break
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30
          for (let k = 0; k < 2 && i < end && b[i]! >= 0x30 && b[i]! <= 0x37; k++) v = v * 8 + (b[i++]! - 0x30)
          out.push(v & 0xff)
        } else {
          out.push(0x5c, e) // unknown escapes stay as written
        }
    }
  }
  return out
}

/**
 * STRING's argument (a quoted Python 2 str), decoded as ASCII as CPython 3's
 * unpickler does by default.
 *
 * @since 0.1.0
 */
export const parseStringLine = (b: Uint8Array, start: number, end: number): string | undefined => {
  if (end - start < 2) return undefined
  const q = b[start]!
  if ((q !== 0x27 && q !== 0x22) || b[end - 1] !== q) return undefined
  const bytes = escapeDecode(b, start + 1, end - 1)
  if (bytes === undefined) return undefined
  let s = ""
  for (const c of bytes) {
    if (c >= 0x80) return undefined
    s += String.fromCharCode(c)
  }
  return s
}

/**
 * UNICODE's argument: raw-unicode-escape, where bytes are Latin-1 characters
 * except `\uXXXX` / `\UXXXXXXXX` after an odd number of backslashes.
 *
 * @since 0.1.0
 */
export const parseRawUnicodeEscape = (b: Uint8Array, start: number, end: number): string | undefined => {
  const parts: Array<string> = []
  let i = start
  while (i < end) {
    const c = b[i]!
    if (c !== 0x5c) {
      parts.push(String.fromCharCode(c))
      i++
      continue
    }
    let run = 0
    while (i < end && b[i] === 0x5c) {
      run++
      i++
    }
    const escaped = run % 2 === 1 && i < end && (b[i] === 0x75 || b[i] === 0x55)
    parts.push("\\".repeat(escaped ? run - 1 : run))
    if (!escaped) continue
    const digits = b[i] === 0x75 ? 4 : 8
    i++
    if (end - i < digits) return undefined
    let cp = 0
    for (let k = 0; k < digits; k++) {
      const h = hexValue(b[i++]!)
      if (h < 0) return undefined
      cp = cp * 16 + h
    }
    if (cp > 0x10ffff) return undefined
    parts.push(String.fromCodePoint(cp))
  }
  return parts.join("")
}

/**
 * BINSTRING / SHORT_BINSTRING payloads (Python 2 str), decoded as ASCII.
 *
 * @since 0.1.0
 */
export const decodeAscii = (b: Uint8Array, start: number, end: number): string | undefined => {
  let s = ""
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if (c >= 0x80) return undefined
    s += String.fromCharCode(c)
  }
  return s
}

/**
 * Decodes one protocol 0/1 opcode whose argument is text or a Python 2 str
 * (INT, LONG, FLOAT, STRING, UNICODE, BINSTRING, SHORT_BINSTRING) onto the
 * stack. Returns false for any other opcode.
 *
 * @since 0.1.0
 */
export const readTextOpcode = (r: DecodeStack, op: number): boolean => {
  switch (op) {
    case Op.INT: {
      const v = parseIntLine(r.lineText())
      if (v === undefined) throw r.fail("bad INT argument")
      r.push(v, 0, 1)
      return true
    }
    case Op.LONG: {
      const v = parseLongLine(r.lineText())
      if (v === undefined) throw r.fail("bad LONG argument")
      r.push(v, 0, 1)
      return true
    }
    case Op.FLOAT: {
      const v = parseFloatLine(r.lineText())
      if (v === undefined) throw r.fail("bad FLOAT argument")
      r.push(Number.isInteger(v) ? new PyFloat(v) : v, 0, 1)
      return true
    }
    case Op.STRING: {
      const [s, e] = r.line()
      const v = parseStringLine(r.bytes, s, e)
      if (v === undefined) throw r.fail("bad STRING argument (must be a quoted ASCII str)")
      r.push(v, 0, 1 + v.length)
      return true
    }
    case Op.UNICODE: {
      const [s, e] = r.line()
      const v = parseRawUnicodeEscape(r.bytes, s, e)
      if (v === undefined) throw r.fail("bad UNICODE argument")
      r.push(v, 0, 1 + v.length)
      return true
    }
    case Op.BINSTRING:
    case Op.SHORT_BINSTRING: {
      let n: number
      if (op === Op.SHORT_BINSTRING) n = r.length(1, "SHORT_BINSTRING")
      else {
        n = r.i32()
        if (n < 0) throw r.fail("negative BINSTRING length")
        if (n > r.end - r.pos) throw r.fail(`BINSTRING length ${n} exceeds the ${r.end - r.pos} bytes left`)
      }
      const v = decodeAscii(r.bytes, r.pos, r.pos + n)
      if (v === undefined) throw r.fail("non-ASCII Python 2 str")
      r.pos += n
      r.push(v, 0, 1 + n)
      return true
    }
  }
  return false
}
