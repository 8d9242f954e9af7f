/**
 * A growable byte buffer with the little-endian integers, big-endian double
 * and UTF-8 text the pickle writer needs. Strings are encoded as CPython's
 * pickler does (`surrogatepass`), so a JS string holding a lone surrogate
 * reaches Python unchanged instead of becoming U+FFFD.
 *
 * @since 0.1.0
 */

const utf8 = new TextEncoder()

/** A growable output buffer. @since 0.1.0 */
export class ByteWriter {
  buf: Uint8Array
  view: DataView
  pos = 0

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize)
    this.view = new DataView(this.buf.buffer)
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const needed = this.pos + n
    if (needed <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < needed) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.pos))
    this.buf = next
    this.view = new DataView(next.buffer)
  }
  byte(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }
  byte2(a: number, b: number): void {
    this.ensure(2)
    this.buf[this.pos++] = a
    this.buf[this.pos++] = b
  }
  u16(v: number): void {
    this.ensure(2)
    this.view.setUint16(this.pos, v, true)
    this.pos += 2
  }
  i32(v: number): void {
    this.ensure(4)
    this.view.setInt32(this.pos, v, true)
    this.pos += 4
  }
  u32(v: number): void {
    this.ensure(4)
    this.view.setUint32(this.pos, v, true)
    this.pos += 4
  }
  u64(v: number): void {
    this.ensure(8)
    this.view.setUint32(this.pos, v % 0x1_0000_0000, true)
    this.view.setUint32(this.pos + 4, Math.floor(v / 0x1_0000_0000), true)
    this.pos += 8
  }
  f64be(v: number): void {
    this.ensure(8)
    this.view.setFloat64(this.pos, v, false)
    this.pos += 8
  }
  raw(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  /**
   * Writes `s` as UTF-8 (surrogatepass) at `at`, which must have room for
   * `3 * s.length` bytes, and returns the byte count.
   */
  utf8At(s: string, at: number): number {
    const n = s.length
    const buf = this.buf
    if (n > 32 && s.isWellFormed()) return utf8.encodeInto(s, buf.subarray(at)).written
    let p = at
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i)
      if (c < 0x80) {
        buf[p++] = c
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6)
        buf[p++] = 0x80 | (c & 0x3f)
      } else {
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const d = s.charCodeAt(i + 1)
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
            i++
            buf[p++] = 0xf0 | (c >> 18)
            buf[p++] = 0x80 | ((c >> 12) & 0x3f)
            buf[p++] = 0x80 | ((c >> 6) & 0x3f)
            buf[p++] = 0x80 | (c & 0x3f)
            continue
          }
        }
        // BMP characters, and lone surrogates written as CPython's surrogatepass does.
        buf[p++] = 0xe0 | (c >> 12)
        buf[p++] = 0x80 | ((c >> 6) & 0x3f)
        buf[p++] = 0x80 | (c & 0x3f)
      }
    }
    return p - at
  }

  /** The bytes written so far. */
  result(): Uint8Array {
    // Hand out the buffer itself when it is mostly used; copy small results out of a big buffer.
    return this.pos * 2 >= this.buf.length ? this.buf.subarray(0, this.pos) : this.buf.slice(0, this.pos)
  }
}
