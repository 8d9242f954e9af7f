/**
 * The scalar half of the pickle writer: the opcodes for ints, floats, str,
 * bytes, globals and memo references, each in the form the target protocol
 * allows (no bytes opcode before 3, no SHORT_BINUNICODE or STACK_GLOBAL
 * before 4), written as CPython's pickler writes them.
 *
 * @since 0.1.0
 */
import { ByteWriter } from "./ByteWriter.ts"
import { Op } from "./Opcodes.ts"
import { unserializable } from "./PickleError.ts"

/** An output buffer that writes pickle opcodes for one protocol. @since 0.1.0 */
export class OpcodeWriter extends ByteWriter {
  readonly protocol: 2 | 3 | 4

  constructor(protocol: 2 | 3 | 4) {
    super()
    this.protocol = protocol
  }

  /** Memoizes the value just written under `index` (MEMOIZE from protocol 4, BINPUT before). */
  put(index: number): void {
    if (this.protocol >= 4) this.byte(Op.MEMOIZE)
    else if (index < 256) this.byte2(Op.BINPUT, index)
    else {
      this.byte(Op.LONG_BINPUT)
      this.u32(index)
    }
  }
  /** Pushes the memoized value `index`. */
  get(index: number): void {
    if (index < 256) this.byte2(Op.BINGET, index)
    else {
      this.byte(Op.LONG_BINGET)
      this.u32(index)
    }
  }

  int(v: number | bigint): void {
    const out = this
    if (typeof v === "bigint") {
      if (v >= -0x8000_0000n && v <= 0x7fff_ffffn) return this.int(Number(v))
      return this.long(v)
    }
    if (v >= 0 && v <= 0xff) out.byte2(Op.BININT1, v)
    else if (v >= 0 && v <= 0xffff) {
      out.byte(Op.BININT2)
      out.u16(v)
    } else if (v >= -0x8000_0000 && v <= 0x7fff_ffff) {
      out.byte(Op.BININT)
      out.i32(v)
    } else this.long(BigInt(v))
  }
  /** LONG1/LONG4: little-endian two's complement, as short as CPython's `encode_long`. */
  long(v: bigint): void {
    const magnitude = (v < 0n ? -v : v).toString(16)
    const bitLength = (magnitude.length - 1) * 4 + parseInt(magnitude[0]!, 16).toString(2).length
    let n = (bitLength >> 3) + 1
    const unsigned = v < 0n ? (1n << BigInt(8 * n)) + v : v
    const hex = unsigned.toString(16).padStart(2 * n, "0")
    // CPython drops a redundant 0xff sign byte from negatives.
    if (v < 0n && n > 1 && hex.startsWith("ff") && parseInt(hex.slice(2, 4), 16) >= 0x80) n--
    const out = this
    if (n < 256) out.byte2(Op.LONG1, n)
    else {
      out.byte(Op.LONG4)
      out.i32(n)
    }
    out.ensure(n)
    // Least significant byte first; a dropped sign byte is the first pair of `hex`.
    for (let i = 0; i < n; i++) {
      const at = hex.length - 2 * (i + 1)
      out.buf[out.pos++] = parseInt(hex.slice(at, at + 2), 16)
    }
  }
  float(v: number): void {
    this.byte(Op.BINFLOAT)
    this.f64be(v)
  }
  str(s: string): void {
    const out = this
    out.ensure(5 + 3 * s.length)
    if (this.protocol >= 4 && s.length < 86) {
      // At most 255 UTF-8 bytes: the one-byte length form.
      const start = out.pos
      const n = out.utf8At(s, start + 2)
      out.buf[start] = Op.SHORT_BINUNICODE
      out.buf[start + 1] = n
      out.pos = start + 2 + n
      return
    }
    const start = out.pos
    const n = out.utf8At(s, start + 5)
    if (this.protocol >= 4 && n < 256) {
      out.buf.copyWithin(start + 2, start + 5, start + 5 + n)
      out.buf[start] = Op.SHORT_BINUNICODE
      out.buf[start + 1] = n
      out.pos = start + 2 + n
      return
    }
    out.buf[start] = Op.BINUNICODE
    out.view.setUint32(start + 1, n, true)
    out.pos = start + 5 + n
  }
  bytes(b: Uint8Array): void {
    const out = this
    if (this.protocol < 3) {
      // Protocol 2 has no bytes opcode; CPython writes _codecs.encode(latin-1 text, 'latin1').
      if (b.length === 0) {
        this.global("builtins", "bytes")
        out.byte(Op.EMPTY_TUPLE)
      } else {
        this.global("_codecs", "encode")
        let text = ""
        for (let i = 0; i < b.length; i += 8192) {
          text += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as Array<number>)
        }
        this.str(text)
        this.str("latin1")
        out.byte(Op.TUPLE2)
      }
      out.byte(Op.REDUCE)
      return
    }
    if (b.length < 256) out.byte2(Op.SHORT_BINBYTES, b.length)
    else if (b.length <= 0xffff_ffff) {
      out.byte(Op.BINBYTES)
      out.u32(b.length)
    } else {
      if (this.protocol < 4) throw unserializable("bytes over 4 GiB need protocol 4")
      out.byte(Op.BINBYTES8)
      out.u64(b.length)
    }
    out.raw(b)
  }
  global(module: string, name: string): void {
    if (this.protocol >= 4) {
      this.str(module)
      this.str(name)
      this.byte(Op.STACK_GLOBAL)
      return
    }
    // GLOBAL takes newline-terminated text: a newline inside a name would let
    // the rest of it be read as opcodes.
    if (module.includes("\n") || name.includes("\n")) throw unserializable(`global name with a newline: ${JSON.stringify(`${module}.${name}`)}`)
    this.byte(Op.GLOBAL)
    const text = `${module}\n${name}\n`
    this.ensure(3 * text.length)
    this.pos += this.utf8At(text, this.pos)
  }
}
