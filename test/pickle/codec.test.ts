/**
 * The codec on its own: the JS value mapping both ways, the writer's
 * options (protocol, FRAME, proxies, records, depth), the reader's Python 2
 * compatibility, and the Effect wrappers.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { KeyError, PythonException, QueueEmpty } from "../../src/domain/PythonErrors.ts"
import { Token } from "../../src/domain/Token.ts"
import { equals } from "../../src/domain/values/Equality.ts"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { ByteArray, NamespaceValue, PyArray, PyFloat, PyObject, Slice, ValueCopy } from "../../src/domain/values/PyObjects.ts"
import { FrozenSet, PySet } from "../../src/domain/values/PySet.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import {
  addressFromPython,
  addressToPython,
  decodePickle,
  decodePickleEffect,
  encodePickle,
  encodePickleEffect,
  exceptionState,
  PickleError,
  type ProxyInfo,
  PyGlobal,
  PyNewObject,
  setExceptionState
} from "../../src/protocol/pickle/index.ts"
import { Op } from "../../src/protocol/pickle/Opcodes.ts"
import { ascii, le32, pickle, PROTO4, stackGlobal, str, textGlobal } from "./assemble.ts"

const T = (...items: Array<unknown>): Tuple => Tuple.of<unknown>(...items)
const PROTOCOLS = [2, 3, 4] as const

const roundTrip = (value: unknown, protocol: 2 | 3 | 4 = 4): unknown => decodePickle(encodePickle(value, { protocol }))

const encodeError = (value: unknown, options?: Parameters<typeof encodePickle>[1]): PickleError => {
  try {
    encodePickle(value, options)
  } catch (e) {
    expect(e).toBeInstanceOf(PickleError)
    return e as PickleError
  }
  throw new Error("encoded without error")
}

describe("pickle codec", () => {
  it("round-trips every kind of value in JS, keeping Python types apart", () => {
    const values: Array<unknown> = [
      null, true, false, 0, 1, -1, 300, 70000, -70000, 2 ** 40, -(2 ** 40), 2n ** 64n, -(2n ** 64n), 2n ** 2100n, 1.5,
      new PyFloat(1), new PyFloat(-0), NaN, Infinity, "", "héllo 😀", "x".repeat(1000), new Uint8Array([1, 2, 3]),
      new ByteArray([4, 5]), T(), T(1), T(1, T(2)), [], [1, [2, T(3)]], new PyDict<unknown, unknown>([[T(1, 2), "t"], [new Uint8Array([1]), "b"], [1, "i"]]),
      new PySet([1, "a", T(1)]), new FrozenSet([2]), new Slice(1, null, -1), new PyArray("i", [1, 2]),
      new NamespaceValue({ a: 1 }), new ValueCopy("d", 1.5), new Token("dict", "tcp:127.0.0.1:5000", "ab"),
      new Token("list", "unix:\0abstract", "cd"), new PyObject("fractions", "Fraction", T("1/3")), new PyGlobal("os.path", "join")
    ]
    for (const protocol of PROTOCOLS) {
      for (const value of values) {
        const back = roundTrip(value, protocol)
        expect(back?.constructor, `${String(value)} at ${protocol}`).toBe(value?.constructor)
        // Equality.equals has no rule for these (records, Tokens by address only, Value copies).
        if (value instanceof PyObject || value instanceof PyGlobal || value instanceof Token || value instanceof ValueCopy) {
          expect(back).toEqual(value)
        }
        else expect(equals(back, value) || Number.isNaN(value), `${String(value)} at ${protocol}`).toBe(true)
      }
    }
  })

  it("maps JS numbers to int or float, and decodes integral floats as PyFloat", () => {
    expect(roundTrip(2)).toBe(2)
    expect(roundTrip(2.5)).toBe(2.5)
    expect(roundTrip(new PyFloat(2))).toEqual(new PyFloat(2))
    expect(roundTrip(2 ** 53 - 1)).toBe(2 ** 53 - 1)
    expect(roundTrip(2 ** 53)).toBe(2n ** 53n)
    expect(roundTrip(-(2 ** 53))).toBe(-(2n ** 53n))
    expect(roundTrip(1e20)).toBe(100000000000000000000n)
    expect(roundTrip(5n)).toBe(5)
    expect(Object.is(roundTrip(-0), 0)).toBe(true)
    expect(decodePickle(pickle(PROTO4, Op.LONG1, 0, Op.STOP))).toBe(0)
    expect(decodePickle(pickle(PROTO4, Op.LONG1, 1, 0xff, Op.STOP))).toBe(-1)
    expect(decodePickle(pickle(PROTO4, Op.LONG1, 2, 0x00, 0x80, Op.STOP))).toBe(-32768)
    expect(decodePickle(pickle(PROTO4, Op.LONG1, 9, [0, 0, 0, 0, 0, 0, 0, 0x80, 0xff], Op.STOP))).toBe(-(2n ** 63n))
  })

  it("encodes big ints as short as CPython does", () => {
    // CPython: pickle.dumps(-2**63, 2) ends LONG1 8 bytes, 2**63 needs 9.
    expect([...encodePickle(-(2n ** 63n), { protocol: 2 })]).toEqual([Op.PROTO, 2, Op.LONG1, 8, 0, 0, 0, 0, 0, 0, 0, 0x80, Op.STOP])
    expect([...encodePickle(2n ** 63n, { protocol: 2 })]).toEqual([Op.PROTO, 2, Op.LONG1, 9, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, Op.STOP])
    expect([...encodePickle(-129, { protocol: 2 })]).toEqual([Op.PROTO, 2, Op.BININT, ...le32(-129), Op.STOP])
    expect(encodePickle(2n ** 2100n)[11]).toBe(Op.LONG4)
  })

  it("encodes Maps and plain objects as dicts, Sets as sets, undefined as None", () => {
    const dict = roundTrip({ a: 1, b: { c: [undefined] } }) as PyDict
    expect(dict).toBeInstanceOf(PyDict)
    expect(dict.get("a")).toBe(1)
    expect((dict.get("b") as PyDict).get("c")).toEqual([null])
    expect(roundTrip(Object.assign(Object.create(null), { k: "v" }))).toEqual(new PyDict([["k", "v"]]))
    expect(roundTrip(new Map([[1, 2]]))).toEqual(new PyDict([[1, 2]]))
    for (const protocol of PROTOCOLS) {
      const set = roundTrip(new Set([1, 2]), protocol)
      expect(set).toBeInstanceOf(PySet)
      expect(set).not.toBeInstanceOf(FrozenSet)
      expect([...(set as PySet)]).toEqual([1, 2])
    }
  })

  it("refuses values with no Python counterpart with an unserializable PickleError", () => {
    class Thing {}
    for (const value of [() => 1, Symbol("s"), new Thing(), new Date(0), new Int32Array(2), new WeakMap(), [1, function named() {}]]) {
      const e = encodeError(value)
      expect(e.reason).toMatch(/^unserializable: /)
      expect(e.offset).toBe(-1)
    }
    expect(encodeError(new Thing()).reason).toBe("unserializable: instance of Thing")
    expect(encodeError({ f: function named() {} }).reason).toBe("unserializable: function named")
    expect(encodeError(new Token("dict", "somewhere", "1")).reason).toMatch(/^unserializable: Token address/)
  })

  it("writes shared and cyclic containers through the memo", () => {
    for (const protocol of PROTOCOLS) {
      const list: Array<unknown> = [1]
      list.push(list)
      const back = roundTrip(list, protocol) as Array<unknown>
      expect(back[1]).toBe(back)
      const dict = new PyDict<string, unknown>()
      dict.set("self", dict)
      const d = roundTrip(dict, protocol) as PyDict
      expect(d.get("self")).toBe(d)
      const shared = [1]
      const pair = roundTrip([shared, shared, T(shared)], protocol) as Array<Array<unknown>>
      expect(pair[0]).toBe(pair[1])
      expect(pair[2]![0]).toBe(pair[0])
      // A tuple reached again through a list inside it, as CPython pickles recursive tuples.
      const inner: Array<unknown> = []
      const tuple = T(inner)
      inner.push(tuple)
      const t = roundTrip(tuple, protocol) as Tuple
      expect(t).toBeInstanceOf(Tuple)
      expect((t[0] as Array<unknown>)[0]).toBe(t)
    }
  })

  it("fails instead of looping on a cycle through tuples only, or nesting deeper than the limit", () => {
    const t = T(1)
    t.push(t)
    expect(encodeError(t).reason).toMatch(/nesting deeper than 1000/)
    let deep: unknown = 1
    for (let i = 0; i < 1500; i++) deep = [deep]
    expect(encodeError(deep).reason).toMatch(/nesting deeper than 1000/)
    expect(() => encodePickle(deep, { maxDepth: 2000 })).not.toThrow()
  })

  it("writes a Token as a proxy when proxyFor says so, and reads it back to the Token and its proxy class", () => {
    const token = new Token("Queue", "tcp:10.0.0.1:5000", "7f")
    const other = new Token("dict", "unix:/tmp/m.sock", "8a")
    const proxies: Array<ProxyInfo> = [
      { proxyClass: "AutoProxy", exposed: ["get", "put"] },
      { proxyClass: "DictProxy" },
      { proxyClass: "myapp.proxies.ThingProxy" }
    ]
    for (const protocol of PROTOCOLS) {
      for (const info of proxies) {
        const bytes = encodePickle(T(token, other), { protocol, proxyFor: (t) => (t === token ? info : undefined) })
        const seen: Array<[Token, ProxyInfo]> = []
        const back = decodePickle(bytes, { onProxy: (t, i) => seen.push([t, i]) }) as Tuple
        expect(back).toEqual(T(token, other))
        expect(seen).toEqual([[back[0], info]])
      }
    }
    const bare = encodePickle(token)
    expect(Buffer.from(bare).includes("RebuildProxy")).toBe(false)
  })

  it("converts Token addresses between Python and JS forms", () => {
    expect(addressFromPython(T("127.0.0.1", 5000))).toBe("tcp:127.0.0.1:5000")
    expect(addressFromPython("/tmp/x")).toBe("unix:/tmp/x")
    expect(addressFromPython("\0abstract")).toBe("unix:\0abstract")
    expect(addressFromPython(T("h", 70000))).toBeUndefined()
    expect(addressFromPython(T("h", 1, 2))).toBeUndefined()
    expect(addressToPython("tcp:127.0.0.1:5000")).toEqual(T("127.0.0.1", 5000))
    expect(addressToPython("tcp:::1:5000")).toEqual(T("::1", 5000))
    expect(addressToPython("tcp:[::1]:5000")).toEqual(T("::1", 5000))
    expect(addressToPython("unix:/tmp/x")).toBe("/tmp/x")
    expect(addressToPython("tcp:host")).toBeUndefined()
    expect(addressToPython("http://x")).toBeUndefined()
  })

  it("writes protocol 2 bytes as _codecs.encode, frames protocol 4 unless told not to", () => {
    const p2 = encodePickle(new Uint8Array([0xe9, 0x41]), { protocol: 2 })
    expect(Buffer.from(p2).includes("_codecs\nencode\n")).toBe(true)
    expect(decodePickle(p2)).toEqual(new Uint8Array([0xe9, 0x41]))
    expect(decodePickle(encodePickle(new Uint8Array(0), { protocol: 2 }))).toEqual(new Uint8Array(0))
    const framed = encodePickle(T(null, "dummy", T(), {}))
    expect([...framed.subarray(0, 3)]).toEqual([Op.PROTO, 4, Op.FRAME])
    expect(new DataView(framed.buffer, framed.byteOffset).getUint32(3, true)).toBe(framed.length - 11)
    const unframed = encodePickle(T(null, "dummy", T(), {}), { frame: false })
    expect(unframed[2]).not.toBe(Op.FRAME)
    expect(decodePickle(unframed)).toEqual(decodePickle(framed))
  })

  it("writes records back unless records are refused", () => {
    const record = new PyObject("os", "system", T("echo hi"))
    expect(decodePickle(encodePickle(record))).toEqual(record)
    expect(encodeError(record, { allowRecords: false }).reason).toMatch(/^unserializable: record of os.system/)
    expect(encodeError([new PyGlobal("os", "system")], { allowRecords: false }).reason).toMatch(/records are not allowed/)
    expect(encodeError(new PyObject("a\nb", "c"), { protocol: 2 }).reason).toMatch(/global name with a newline/)
  })

  it("keeps NEWOBJ_EX objects apart from REDUCE ones", () => {
    const bytes = pickle(PROTO4, stackGlobal("m", "C"), Op.EMPTY_TUPLE, Op.EMPTY_DICT, str("size"), Op.BININT1, 3, Op.SETITEM,
      Op.NEWOBJ_EX, Op.EMPTY_DICT, str("x"), Op.BININT1, 1, Op.SETITEM, Op.BUILD, Op.STOP)
    const obj = decodePickle(bytes) as PyNewObject
    expect(obj).toBeInstanceOf(PyNewObject)
    expect(obj.kwargs).toEqual(new PyDict([["size", 3]]))
    expect(obj.state).toEqual(new PyDict([["x", 1]]))
    expect(encodePickle(obj).includes(Op.NEWOBJ_EX)).toBe(true)
    const p2 = encodePickle(obj, { protocol: 2 })
    expect(Buffer.from(p2).includes("copyreg\n__newobj_ex__\n")).toBe(true)
    expect(decodePickle(p2)).toMatchObject({ module: "copyreg", name: "__newobj_ex__" })
  })

  it("reads exceptions, their BUILD state, and writes both back", () => {
    // CPython 3.13: KeyError('k') with a note.
    const bytes = pickle(PROTO4, stackGlobal("builtins", "KeyError"), str("k"), Op.TUPLE1, Op.REDUCE,
      Op.EMPTY_DICT, str("__notes__"), Op.EMPTY_LIST, str("note"), Op.APPEND, Op.SETITEM, Op.BUILD, Op.STOP)
    const error = decodePickle(bytes) as KeyError
    expect(error).toBeInstanceOf(KeyError)
    expect(error.args).toEqual(["k"])
    expect(error.message).toBe("'k'")
    expect(exceptionState(error)).toEqual(new PyDict([["__notes__", ["note"]]]))
    const again = decodePickle(encodePickle(error)) as KeyError
    expect(exceptionState(again)).toEqual(new PyDict([["__notes__", ["note"]]]))
    const empty = QueueEmpty.make()
    setExceptionState(empty, new PyDict([["hint", 1]]))
    expect(exceptionState(decodePickle(encodePickle(empty)) as object)).toEqual(new PyDict([["hint", 1]]))
    const other = decodePickle(pickle(PROTO4, stackGlobal("builtins", "ZeroDivisionError"), str("a"), Op.BININT1, 2, Op.TUPLE2,
      Op.REDUCE, Op.STOP)) as PythonException
    expect(other).toBeInstanceOf(PythonException)
    expect(other.pythonName).toBe("builtins.ZeroDivisionError")
    expect(other.args).toEqual(["a", 2])
    expect(other.message).toBe("('a', 2)")
    expect(decodePickle(pickle(PROTO4, stackGlobal("queue", "Empty"), Op.EMPTY_TUPLE, Op.REDUCE, Op.STOP))).toBeInstanceOf(QueueEmpty)
  })

  it("reads Python 2 names and strings at protocols below 3, and only there", () => {
    expect(decodePickle(pickle(Op.PROTO, 2, textGlobal("__builtin__", "set"), Op.EMPTY_LIST, Op.BININT1, 1, Op.APPEND, Op.TUPLE1,
      Op.REDUCE, Op.STOP))).toEqual(new PySet([1]))
    expect(decodePickle(pickle(textGlobal("exceptions", "KeyError"), Op.MARK, Op.STRING, ascii("'k'\n"), Op.TUPLE, Op.REDUCE,
      Op.STOP))).toBeInstanceOf(KeyError)
    expect(decodePickle(pickle(Op.PROTO, 2, textGlobal("Queue", "Full"), Op.EMPTY_TUPLE, Op.REDUCE, Op.STOP))).toMatchObject({ _tag: "QueueFull" })
    expect(decodePickle(pickle(PROTO4, stackGlobal("__builtin__", "set"), Op.EMPTY_TUPLE, Op.REDUCE, Op.STOP))).toBeInstanceOf(PyObject)
    expect(decodePickle(pickle(Op.STRING, ascii("'a\\x41\\n\\'\\101'\n"), Op.STOP))).toBe("aA\n'A")
    expect(decodePickle(pickle(Op.STRING, ascii('"q"\n'), Op.STOP))).toBe("q")
    expect(decodePickle(pickle(Op.SHORT_BINSTRING, 3, ascii("abc"), Op.STOP))).toBe("abc")
    expect(decodePickle(pickle(Op.BINSTRING, le32(2), ascii("hi"), Op.STOP))).toBe("hi")
    expect(decodePickle(pickle(Op.UNICODE, ascii("caf\\u00e9 \\\\u0041 \\U0001f600\n"), Op.STOP))).toBe("café \\\\u0041 😀")
    expect(decodePickle(pickle(Op.INT, ascii("01\n"), Op.STOP))).toBe(true)
    expect(decodePickle(pickle(Op.INT, ascii("-12\n"), Op.STOP))).toBe(-12)
    expect(decodePickle(pickle(Op.LONG, ascii("123456789012345678901234567890L\n"), Op.STOP))).toBe(123456789012345678901234567890n)
    expect(decodePickle(pickle(Op.FLOAT, ascii("2.0\n"), Op.STOP))).toEqual(new PyFloat(2))
    expect(decodePickle(pickle(Op.FLOAT, ascii("-inf\n"), Op.STOP))).toBe(-Infinity)
    expect(decodePickle(pickle(Op.MARK, Op.INT, ascii("1\n"), Op.PUT, ascii("0\n"), Op.GET, ascii("0\n"), Op.LIST, Op.STOP))).toEqual([1, 1])
  })

  it("copies bytes out of the input buffer", () => {
    const input = pickle(PROTO4, Op.SHORT_BINBYTES, 2, 1, 2, Op.STOP)
    const value = decodePickle(input) as Uint8Array
    input[4] = 9
    expect([...value]).toEqual([1, 2])
    expect(value.buffer).not.toBe(input.buffer)
  })

  it.effect("offers the decoder and encoder as Effects failing with PickleError", () =>
    Effect.gen(function*() {
      const value = yield* decodePickleEffect(encodePickle(T("#RETURN", null)))
      expect(value).toEqual(T("#RETURN", null))
      const bad = yield* Effect.exit(decodePickleEffect(new Uint8Array([Op.PROTO, 4, Op.PERSID])))
      expect(Exit.isFailure(bad)).toBe(true)
      const error = yield* Effect.flip(decodePickleEffect(new Uint8Array([Op.PROTO, 4, Op.NONE])))
      expect(error._tag).toBe("PickleError")
      expect(error.reason).toBe("truncated: no STOP")
      const unserializable = yield* Effect.flip(encodePickleEffect(() => 1))
      expect(unserializable.reason).toMatch(/^unserializable/)
      const bytes = yield* encodePickleEffect(new PyDict([["k", 1]]))
      expect(decodePickle(bytes)).toEqual(new PyDict([["k", 1]]))
    }))
})
