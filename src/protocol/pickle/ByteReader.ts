/**
 * Bounds-checked reading of a pickle's bytes: opcode arguments, declared
 * lengths (checked against the bytes left before anything is allocated),
 * text lines, strict UTF-8 and two's complement longs. Every failure is a
 * `PickleError` at the offset of the opcode being read.
 *
 * @since 0.1.0
 */
import { PickleError } from "./PickleError.ts"

// fatal: invalid UTF-8 (lone surrogates included) is an error, never U+FFFD;
// ignoreBOM: a leading U+FEFF is part of the string.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

const ascii = new TextDecoder("latin1")
const HEX_DIGITS = new TextEncoder().encode("0123456789abcdef")
// V8 caps BigInt at 2^30 bits.
const MAX_LONG_BYTES = 1 << 27

/** A cursor over one pickle's bytes. @since 0.1.0 */
export class ByteReader {
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly end: number
  /** Next byte to read. */
  pos = 0
  /** Offset of the opcode being decoded, reported in errors. */
  opPos = 0

  constructor(bytes: Uint8Array) {
    this.bytes = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.end = bytes.length
  }

  fail(reason: string): PickleError {
    return new PickleError({ reason, offset: this.opPos })
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) throw this.fail(`truncated ${what}: needs ${n} bytes, ${this.end - this.pos} left`)
  }
  u8(): number {
    this.need(1, "argument")
    return this.bytes[this.pos++]!
  }
  u16(): number {
    this.need(2, "argument")
    const v = this.view.getUint16(this.pos, true)
    this.pos += 2
    return v
  }
  i32(): number {
    this.need(4, "argument")
    const v = this.view.getInt32(this.pos, true)
    this.pos += 4
    return v
  }
  u32(): number {
    this.need(4, "argument")
    const v = this.view.getUint32(this.pos, true)
    this.pos += 4
    return v
  }
  /** A declared length, checked against the bytes left so nothing is allocated for a lie. */
  length(width: 1 | 4 | 8, what: string): number {
    let n: number
    if (width === 1) n = this.u8()
    else if (width === 4) n = this.u32()
    else {
      this.need(8, "argument")
      const lo = this.view.getUint32(this.pos, true)
      const hi = this.view.getUint32(this.pos + 4, true)
      this.pos += 8
      n = hi * 0x1_0000_0000 + lo
    }
    if (n > this.end - this.pos) throw this.fail(`${what} length ${n} exceeds the ${this.end - this.pos} bytes left`)
    return n
  }
  /** The next line (without its newline), as byte offsets. */
  line(): readonly [number, number] {
    const start = this.pos
    const nl = this.bytes.indexOf(0x0a, start)
    if (nl < 0) throw this.fail("truncated: line argument without newline")
    this.pos = nl + 1
    return [start, nl]
  }
  lineText(): string {
    const [s, e] = this.line()
    return this.utf8(s, e)
  }
  utf8(start: number, end: number): string {
    try {
      return utf8.decode(this.bytes.subarray(start, end))
    } catch {
      throw this.fail("invalid UTF-8 in string")
    }
  }
  str(n: number): string {
    const s = this.utf8(this.pos, this.pos + n)
    this.pos += n
    return s
  }
  copy(n: number): Uint8Array {
    // A copy, so decoded values never alias (or pin) the frame buffer.
    const out = this.bytes.slice(this.pos, this.pos + n)
    this.pos += n
    return out
  }
  /** LONG1/LONG4 payload: `n` bytes of little-endian two's complement. */
  long(n: number): number | bigint {
    const b = this.bytes
    const p = this.pos
    if (n > MAX_LONG_BYTES) throw this.fail(`integer of ${n} bytes is larger than JS BigInt allows`)
    this.pos += n
    if (n === 0) return 0
    if (n <= 6) {
      let v = 0
      for (let i = n - 1; i >= 0; i--) v = v * 256 + b[p + i]!
      return b[p + n - 1]! >= 0x80 ? v - 2 ** (8 * n) : v
    }
    // Through hex text, which BigInt parses in linear time; shifting in chunks would be quadratic.
    const hex = new Uint8Array(2 * n + 2)
    hex[0] = 0x30 // "0x"
    hex[1] = 0x78
    for (let i = 0, o = 2; i < n; i++, o += 2) {
      const byte = b[p + n - 1 - i]!
      hex[o] = HEX_DIGITS[byte >> 4]!
      hex[o + 1] = HEX_DIGITS[byte & 15]!
    }
    let v = BigInt(ascii.decode(hex))
    if (b[p + n - 1]! >= 0x80) v -= 1n << BigInt(8 * n)
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v
  }

}
