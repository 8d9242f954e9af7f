/**
 * The items of a pickled `array.array`. CPython's managers write an array as
 * `array.array(typecode, raw_bytes)` (machine layout), default pickling
 * writes `array._array_reconstructor(array.array, typecode, mformat, bytes)`
 * (layout named by a machine-format code) at protocol 3+, and
 * `array.array(typecode, list)` below it. This module turns each into the
 * items of a `PyArray`.
 *
 * @since 0.1.0
 */
import { PyFloat } from "../../domain/values/PyObjects.ts"

type Kind = "int" | "uint" | "float" | "utf16" | "utf32"

interface Layout {
  readonly kind: Kind
  readonly size: number
  readonly little: boolean
}

/**
 * Item layout per typecode on the 64-bit little-endian Unix machines CPython
 * peers run on (LP64: C long is 8 bytes, wchar_t is 4). The raw-bytes form
 * is machine-dependent by CPython's own design; the mformat form is not.
 */
const nativeLayout: Readonly<Record<string, Layout>> = {
  b: { kind: "int", size: 1, little: true },
  B: { kind: "uint", size: 1, little: true },
  u: { kind: "utf32", size: 4, little: true },
  w: { kind: "utf32", size: 4, little: true },
  h: { kind: "int", size: 2, little: true },
  H: { kind: "uint", size: 2, little: true },
  i: { kind: "int", size: 4, little: true },
  I: { kind: "uint", size: 4, little: true },
  l: { kind: "int", size: 8, little: true },
  L: { kind: "uint", size: 8, little: true },
  q: { kind: "int", size: 8, little: true },
  Q: { kind: "uint", size: 8, little: true },
  f: { kind: "float", size: 4, little: true },
  d: { kind: "float", size: 8, little: true }
}

/** `Modules/arraymodule.c` machine format codes, by number. */
const mformatLayout: ReadonlyArray<Layout> = [
  { kind: "uint", size: 1, little: true }, // UNSIGNED_INT8
  { kind: "int", size: 1, little: true }, // SIGNED_INT8
  { kind: "uint", size: 2, little: true }, // UNSIGNED_INT16_LE
  { kind: "uint", size: 2, little: false },
  { kind: "int", size: 2, little: true }, // SIGNED_INT16_LE
  { kind: "int", size: 2, little: false },
  { kind: "uint", size: 4, little: true }, // UNSIGNED_INT32_LE
  { kind: "uint", size: 4, little: false },
  { kind: "int", size: 4, little: true }, // SIGNED_INT32_LE
  { kind: "int", size: 4, little: false },
  { kind: "uint", size: 8, little: true }, // UNSIGNED_INT64_LE
  { kind: "uint", size: 8, little: false },
  { kind: "int", size: 8, little: true }, // SIGNED_INT64_LE
  { kind: "int", size: 8, little: false },
  { kind: "float", size: 4, little: true }, // IEEE_754_FLOAT_LE
  { kind: "float", size: 4, little: false },
  { kind: "float", size: 8, little: true }, // IEEE_754_DOUBLE_LE
  { kind: "float", size: 8, little: false },
  { kind: "utf16", size: 2, little: true }, // UTF16_LE
  { kind: "utf16", size: 2, little: false },
  { kind: "utf32", size: 4, little: true }, // UTF32_LE
  { kind: "utf32", size: 4, little: false }
]

/** True for the typecodes `array.array` accepts (3.13 adds `w`). @since 0.1.0 */
export const isArrayTypecode = (typecode: unknown): typecode is string =>
  typeof typecode === "string" && typecode.length === 1 && Object.hasOwn(nativeLayout, typecode)

const isCharTypecode = (typecode: string): boolean => typecode === "u" || typecode === "w"

const fromLayout = (layout: Layout, bytes: Uint8Array): Array<number | bigint | string> | undefined => {
  const { kind, little, size } = layout
  if (bytes.length % size !== 0) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const n = bytes.length / size
  const items: Array<number | bigint | string> = new Array(n)
  if (kind === "utf16") {
    let s = ""
    for (let i = 0; i < n; i++) s += String.fromCharCode(view.getUint16(i * 2, little))
    // Surrogate pairs are one item, as CPython decodes UTF-16 into code points.
    return Array.from(s)
  }
  for (let i = 0, o = 0; i < n; i++, o += size) {
    switch (kind) {
      case "utf32": {
        const cp = view.getUint32(o, little)
        if (cp > 0x10ffff) return undefined
        items[i] = String.fromCodePoint(cp)
        break
      }
      case "float":
        items[i] = size === 4 ? view.getFloat32(o, little) : view.getFloat64(o, little)
        break
      case "int":
      case "uint": {
        if (size === 8) {
          const v = kind === "int" ? view.getBigInt64(o, little) : view.getBigUint64(o, little)
          items[i] = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
        } else if (size === 4) items[i] = kind === "int" ? view.getInt32(o, little) : view.getUint32(o, little)
        else if (size === 2) items[i] = kind === "int" ? view.getInt16(o, little) : view.getUint16(o, little)
        else items[i] = kind === "int" ? view.getInt8(o) : view.getUint8(o)
        break
      }
    }
  }
  return items
}

/**
 * Items of `array.array(typecode, raw_bytes)` in the peer's machine layout
 * (see `nativeLayout`); `undefined` when the length does not fit the typecode.
 *
 * @since 0.1.0
 */
export const arrayItemsFromBytes = (typecode: string, bytes: Uint8Array): Array<number | bigint | string> | undefined =>
  fromLayout(nativeLayout[typecode]!, bytes)

/**
 * Items of `array._array_reconstructor(array.array, typecode, mformat, bytes)`;
 * `undefined` for an unknown machine format, a format that does not suit
 * the typecode, or a bad length.
 *
 * @since 0.1.0
 */
export const arrayItemsFromMachineFormat = (
  typecode: string,
  mformat: unknown,
  bytes: Uint8Array
): Array<number | bigint | string> | undefined => {
  if (typeof mformat !== "number" || !Number.isInteger(mformat)) return undefined
  const layout = mformatLayout[mformat]
  if (layout === undefined) return undefined
  const chars = layout.kind === "utf16" || layout.kind === "utf32"
  if (chars !== isCharTypecode(typecode)) return undefined
  const items = fromLayout(layout, bytes)
  // Integer items must stay integers and float items floats, whatever the layout said.
  if (items !== undefined && !chars && (layout.kind === "float") !== (typecode === "f" || typecode === "d")) return undefined
  return items
}

/**
 * Items of `array.array(typecode, initializer)` where the initializer is a
 * list (or, for `u`/`w`, a str); `undefined` when an item does not suit the
 * typecode.
 *
 * @since 0.1.0
 */
export const arrayItemsFromInitializer = (typecode: string, init: unknown): Array<number | bigint | string> | undefined => {
  if (typeof init === "string") return isCharTypecode(typecode) ? Array.from(init) : undefined
  if (!Array.isArray(init)) return undefined
  const floats = typecode === "f" || typecode === "d"
  const items: Array<number | bigint | string> = new Array(init.length)
  for (let i = 0; i < init.length; i++) {
    let x: unknown = init[i]
    if (x instanceof PyFloat) x = x.value
    if (isCharTypecode(typecode)) {
      if (typeof x !== "string" || Array.from(x).length !== 1) return undefined
    } else if (floats) {
      if (typeof x !== "number" && typeof x !== "bigint") return undefined
      if (typeof x === "bigint") x = Number(x)
    } else if (!(typeof x === "bigint" || (typeof x === "number" && Number.isInteger(x)))) return undefined
    items[i] = x as number | bigint | string
  }
  return items
}
