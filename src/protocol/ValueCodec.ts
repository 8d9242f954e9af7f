/**
 * JS values on the wire of our own dialect: MessagePack (msgpackr) with
 * extensions for what plain MessagePack cannot say — tuples, Python-equality
 * dicts and sets, tokens (a proxy inside a value), tagged errors, slices,
 * arrays, Namespace and Value copies, and opaque Python objects.
 *
 * Encoding and decoding report every Token they meet to a collector, so the
 * server can count the references a value hands over without walking it.
 *
 * Chosen over SchemaBinary by measurement (bench/codec.ts): SchemaBinary
 * encodes `unknown` as JSON, which cannot carry Maps, Sets, bigints, bytes or
 * tokens, and a recursive Schema for our value model measured slower.
 *
 * @since 0.1.0
 */
import { addExtension, Packr, Unpackr } from "msgpackr"
import { Token } from "../domain/Token.ts"
import { carriedToken, type TokenCarrier } from "../domain/TokenCarrier.ts"
import { PyDict } from "../domain/values/PyDict.ts"
import { ByteArray, NamespaceValue, PyArray, PyFloat, PyObject, Slice, ValueCopy } from "../domain/values/PyObjects.ts"
import { FrozenSet, PySet } from "../domain/values/PySet.ts"
import { Tuple } from "../domain/values/Tuple.ts"
import { tokenOccurrences } from "../domain/TokenWalk.ts"
import { scanBounds } from "./MsgpackBounds.ts"
import { fromWire, toWire, type WireError } from "./WireErrors.ts"

const ext = {
  Tuple: 0x10,
  Token: 0x11,
  PyDict: 0x12,
  Set: 0x13,
  PySet: 0x14,
  FrozenSet: 0x15,
  Slice: 0x16,
  PyArray: 0x17,
  Namespace: 0x18,
  ValueCopy: 0x19,
  PyObject: 0x1a,
  Error: 0x1b,
  ByteArray: 0x1c,
  NegativeZero: 0x1d,
  Refused: [0x62, 0x65, 0x69, 0x70, 0x74, 0x78]
} as const

const flatten = (entries: Iterable<readonly [unknown, unknown]>): Array<unknown> => {
  const out: Array<unknown> = []
  for (const [k, v] of entries) out.push(k, v)
  return out
}

const pairs = (flat: unknown): Array<[unknown, unknown]> => {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) throw new Error("malformed dict extension")
  const out: Array<[unknown, unknown]> = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]])
  return out
}

const asArray = (u: unknown, what: string): Array<unknown> => {
  if (!Array.isArray(u)) throw new Error(`malformed ${what} extension`)
  return u
}

class NegativeZero {}
const negativeZero = new NegativeZero()

// msgpackr's extensions are its own, process-wide: ours are added once, when this module loads.
const register = () => {
  // msgpackr's own extensions that a hostile peer could use to build
  // structured-clone references, typed arrays or RegExps: refused.
  for (const type of ext.Refused) {
    addExtension({ type, unpack: () => { throw new Error(`MessagePack extension 0x${type.toString(16)} is not accepted`) } } as never)
  }
  // Python floats that are integral reach JS peers as numbers. msgpackr writes a
  // JS -0 as the integer 0, so Python's -0.0 travels as an extension of its own.
  addExtension({ Class: NegativeZero, type: ext.NegativeZero, write: () => null, read: () => -0 } as never)
  addExtension({ Class: PyFloat, write: (f: PyFloat) => Object.is(f.value, -0) ? negativeZero : f.value } as never)
  addExtension({ Class: ByteArray, type: ext.ByteArray, write: (b: ByteArray) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength), read: (b: unknown) => {
    if (!(b instanceof Uint8Array)) throw new Error("malformed bytearray extension")
    return new ByteArray(b)
  } } as never)
  addExtension({ Class: Tuple, type: ext.Tuple, write: (t: Tuple) => Array.from(t), read: (items: unknown) => Tuple.fromArray(asArray(items, "tuple")) } as never)
  addExtension({
    Class: Token,
    type: ext.Token,
    // Called with the encoder as `this`: the tokens an encode meets go to the list it was given.
    write: function(this: TokenSink, t: Token) {
      this.tokens?.push(t)
      return [t.typeid, t.address, t.id]
    },
    read: (u: unknown) => {
      const [typeid, address, id] = asArray(u, "token")
      if (typeof typeid !== "string" || typeof address !== "string" || typeof id !== "string") {
        throw new Error("malformed token extension")
      }
      return new Token(typeid, address, id)
    }
  } as never)
  addExtension({ Class: Set, type: ext.Set, write: (s: Set<unknown>) => Array.from(s), read: (items: unknown) => new Set(asArray(items, "set")) } as never)
  addExtension({ Class: PyDict, type: ext.PyDict, write: (d: PyDict) => flatten(d), read: (flat: unknown) => new PyDict(pairs(flat)) } as never)
  addExtension({ Class: PySet, type: ext.PySet, write: (s: PySet) => Array.from(s), read: (items: unknown) => new PySet(asArray(items, "set")) } as never)
  addExtension({ Class: FrozenSet, type: ext.FrozenSet, write: (s: FrozenSet) => Array.from(s), read: (items: unknown) => new FrozenSet(asArray(items, "frozenset")) } as never)
  addExtension({ Class: Slice, type: ext.Slice, write: (s: Slice) => [s.start, s.stop, s.step], read: (u: unknown) => {
    const [start, stop, step] = asArray(u, "slice")
    return new Slice(start as number | null, stop as number | null, step as number | null)
  } } as never)
  addExtension({ Class: PyArray, type: ext.PyArray, write: (a: PyArray) => [a.typecode, a.items], read: (u: unknown) => {
    const [typecode, items] = asArray(u, "array")
    return new PyArray(String(typecode), asArray(items, "array") as Array<number>)
  } } as never)
  addExtension({ Class: NamespaceValue, type: ext.Namespace, write: (n: NamespaceValue) => ({ ...n }), read: (u: unknown) => {
    if (u === null || typeof u !== "object" || Array.isArray(u)) throw new Error("malformed Namespace extension")
    return new NamespaceValue(u as Record<string, unknown>)
  } } as never)
  addExtension({ Class: ValueCopy, type: ext.ValueCopy, write: (v: ValueCopy) => [v.typecode, v.value], read: (u: unknown) => {
    const [typecode, value] = asArray(u, "Value")
    return new ValueCopy(String(typecode), value)
  } } as never)
  addExtension({ Class: PyObject, type: ext.PyObject, write: (o: PyObject) => [o.module, o.name, o.args, o.state, o.items, o.entries], read: (u: unknown) => {
    const [module, name, args, state, items, entries] = asArray(u, "object")
    return new PyObject(String(module), String(name), args, state, items as Array<unknown> | null, entries as Array<[unknown, unknown]> | null)
  } } as never)
  addExtension({ Class: Error, type: ext.Error, write: (e: Error) => toWire(e), read: (u: unknown) => fromWire(u as WireError) } as never)
}
register()

/**
 * Makes instances of a class travel as a Token (proxies do: a proxy sent as
 * an argument or stored in a shared object arrives as its token).
 *
 * @since 0.1.0
 */
export const registerTokenCarrier = <C extends abstract new(...args: any) => TokenCarrier>(Class: C): void => {
  addExtension({ Class, write: (carrier: TokenCarrier) => carrier[carriedToken]() } as never)
}

// Where an encode's tokens go, on the encoder itself (msgpackr gives extensions the encoder as `this`).
interface TokenSink {
  tokens: Array<Token> | undefined
}

const packr: Packr & TokenSink = new Packr({
  useRecords: true,
  structuredClone: false,
  useBigIntExtension: true,
  moreTypes: false,
  // msgpackr would write a function as nil; a function cannot cross the wire, so say so.
  writeFunction: (f: Function) => {
    throw new Error(`cannot encode function ${f.name || "<anonymous>"}`)
  }
} as never) as Packr & TokenSink
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: false, structuredClone: false, int64AsType: "auto" } as never)

/**
 * Encodes a value; tokens met on the way are pushed to `tokens` when given.
 *
 * @since 0.1.0
 */
export const encodeValue = (value: unknown, tokens?: Array<Token>): Uint8Array => {
  packr.tokens = tokens
  try {
    return packr.pack(value)
  } finally {
    packr.tokens = undefined
  }
}

/**
 * Decodes a value; tokens met on the way are pushed to `tokens` when given.
 * Throws on malformed input.
 *
 * @since 0.1.0
 */
export const decodeValue = (bytes: Uint8Array, tokens?: Array<Token>): unknown => {
  // Before msgpackr, which would allocate whatever a header claims; it also says whether tokens are in it.
  const scanned = scanBounds(bytes, ext.Token)
  if (typeof scanned === "string") throw new Error(`malformed MessagePack: ${scanned}`)
  const value = unpackr.unpack(bytes)
  if (tokens !== undefined && scanned > 0) tokenOccurrences(value, tokens)
  return value
}
