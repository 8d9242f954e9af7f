/**
 * The codec against real CPython 3.11, 3.12 and 3.13: documents CPython
 * writes decode to what CPython itself reads from them and re-encode byte for
 * byte; JS values encode exactly as CPython encodes the equivalent Python
 * value (or fail with CPython's message); and the scalar readers agree with
 * int(), float(), base64.decodebytes(), strptime and repr(float) on generated
 * inputs.
 */
import { describe as group, expect, it } from "@effect/vitest"
import { AttributeError, KeyError, PythonException, QueueEmpty } from "../../src/domain/PythonErrors.ts"
import { Token } from "../../src/domain/Token.ts"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { ByteArray, NamespaceValue, PyArray, PyFloat, Slice, ValueCopy } from "../../src/domain/values/PyObjects.ts"
import { FrozenSet, PySet } from "../../src/domain/values/PySet.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import { setExceptionState } from "../../src/protocol/pickle/Exceptions.ts"
import { decodeBase64, floatRepr, formatDateTime, parseDateTime, parseDouble, parseInteger } from "../../src/protocol/xmlrpc/Scalars.ts"
import { decodeXmlRpc, encodeXmlRpc, XmlRpcError } from "../../src/protocol/xmlrpc/index.ts"
import { type Desc, describe, fromHex, interpreters, prng, runHelper, toHex } from "./support.ts"

interface Values {
  readonly items: ReadonlyArray<{ readonly name: string; readonly hex: string; readonly desc: Desc }>
}
interface Checked {
  readonly checked: number
  readonly failures: ReadonlyArray<string>
}
interface Exprs {
  readonly results: ReadonlyArray<{ readonly label: string; readonly hex?: string; readonly error?: string; readonly ours?: unknown }>
}
type Attempt = { readonly ok: string } | { readonly error: string }
interface Scalars {
  readonly ints: ReadonlyArray<Attempt>
  readonly doubles: ReadonlyArray<Attempt>
  readonly base64: ReadonlyArray<Attempt>
  readonly datetimes: ReadonlyArray<Attempt>
  readonly reprs: ReadonlyArray<string>
}

/** CPython writes these in a form that reads back equal but that it would not write itself. */
const NOT_CANONICAL = new Set(["str carriage return", "DateTime non-canonical"])

const withState = <E extends object>(e: E, state: unknown): E => {
  setExceptionState(e, state)
  return e
}
const cyclicList = (): Array<unknown> => {
  const a: Array<unknown> = []
  a.push(a)
  return a
}
const cyclicDict = (): PyDict => {
  const d = new PyDict()
  d.set("self", d)
  return d
}
const shared = [1]
const utc = (y: number, mo: number, d: number, h = 0, mi = 0, sec = 0): Date => {
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  date.setUTCHours(h, mi, sec, 0)
  return date
}

/** JS values and the Python expression for the value each stands for; CPython's dumps of the latter is the expected output. */
const pairs: ReadonlyArray<readonly [label: string, value: unknown, expr: string]> = [
  ["null", null, "None"],
  ["undefined", undefined, "None"],
  ["true", true, "True"],
  ["false", false, "False"],
  ["int", 5, "5"],
  ["-0 is the int 0", -0, "0"],
  ["bigint", 123n, "123"],
  ["max int32", 2 ** 31 - 1, "2**31-1"],
  ["min int32 bigint", -(2n ** 31n), "-2**31"],
  ["number over int32", 2 ** 31, "2**31"],
  ["number under int32", -(2 ** 31) - 1, "-2**31-1"],
  ["bigint over int32", 2n ** 40n, "2**40"],
  ["integral 1e100 number is an int", 1e100, "10**100"],
  ["float", 0.1, "0.1"],
  ["negative float", -2.5, "-2.5"],
  ["small float", 1.5e-7, "1.5e-07"],
  ["PyFloat 1.0", new PyFloat(1), "1.0"],
  ["PyFloat -0.0", new PyFloat(-0), "-0.0"],
  ["PyFloat 1e100", new PyFloat(1e100), "1e100"],
  ["PyFloat 1e16", new PyFloat(1e16), "1e16"],
  ["inf", Infinity, "float('inf')"],
  ["-inf", -Infinity, "float('-inf')"],
  ["nan", NaN, "float('nan')"],
  ["str", "a<&>b\"'", "'a<&>b\"\\''"],
  ["str with raw control characters", "a\x00\x01b\r\n", "'a\\x00\\x01b\\r\\n'"],
  ["str astral", "\u{1F600}x", "'\\U0001F600x'"],
  ["str with a lone surrogate", "a\uD800b", "'a\\ud800b'"],
  ["bytes", new Uint8Array([0, 1, 255]), "b'\\x00\\x01\\xff'"],
  ["empty bytes", new Uint8Array(0), "b''"],
  ["bytes 200", Uint8Array.from({ length: 200 }, (_, i) => i), "bytes(range(200))"],
  ["Buffer", Buffer.from("hello"), "b'hello'"],
  ["ByteArray", new ByteArray([1, 2]), "bytearray(b'\\x01\\x02')"],
  ["array", [1, "a", null], "[1, 'a', None]"],
  ["Tuple", Tuple.of<unknown>(1, Tuple.of(2)), "(1, (2,))"],
  ["shared, not cyclic", [shared, shared], "(lambda x: [x, x])([1])"],
  ["PyDict", new PyDict<string, unknown>([["a", 1], ["b", new PyFloat(2)]]), "{'a': 1, 'b': 2.0}"],
  ["Map", new Map([["x<&>", []]]), "{'x<&>': []}"],
  ["plain object", { a: 1, b: { c: true } }, "{'a': 1, 'b': {'c': True}}"],
  ["Map with an int key", new Map([[1, 2]]), "{1: 2}"],
  ["PyDict with a tuple key", new PyDict([[Tuple.of(1), 2]]), "{(1,): 2}"],
  ["cyclic list", cyclicList(), "cyclic_list()"],
  ["cyclic dict", cyclicDict(), "cyclic_dict()"],
  ["PySet", new PySet([1]), "{1}"],
  ["JS Set", new Set([1]), "{1}"],
  ["FrozenSet", new FrozenSet([1]), "frozenset({1})"],
  ["Date", new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), "datetime.datetime(2024, 1, 2, 3, 4, 5, 678000)"],
  ["Date year 5", utc(5, 6, 7, 8, 9, 10), "datetime.datetime(5, 6, 7, 8, 9, 10)"],
  ["Date year 1", utc(1, 1, 1), "datetime.datetime(1, 1, 1)"],
  ["Date year 10000", utc(10000, 1, 1), "datetime.datetime(10000, 1, 1)"],
  ["invalid Date", new Date(NaN), "datetime.datetime(0, 1, 1)"],
  ["Token", new Token("dict", "tcp:127.0.0.1:5000", "7f"), "Token('dict', ('127.0.0.1', 5000), '7f')"],
  ["KeyError", KeyError.make("k"), "KeyError('k')"],
  ["queue.Empty", QueueEmpty.make(), "queue.Empty()"],
  ["other exception", new PythonException({ pythonName: "builtins.ZeroDivisionError", args: ["x"], message: "x" }), "ZeroDivisionError('x')"],
  ["exception with notes", withState(KeyError.make("k"), new PyDict([["__notes__", ["n"]]])), "add_note(KeyError('k'), 'n')"],
  ["AttributeError with pickled name", withState(AttributeError.make("x"), new PyDict<string, unknown>([["name", "n"], ["args", Tuple.of("x")]])), "AttributeError('x', name='n')"],
  ["Namespace", new NamespaceValue({ a: 1, b: "x" }), "Namespace(a=1, b='x')"],
  ["Value", new ValueCopy("i", 5), "Value('i', 5)"],
  ["Slice", new Slice(1, 2), "slice(1, 2)"],
  ["array.array", new PyArray("i", [1]), "array.array('i', [1])"]
]

/** CPython writes these (so do we, identically) but its own loads() refuses them. */
const UNREADABLE = new Set(["str with raw control characters"])

/**
 * Where both refuse but the messages differ: CPython fails in .encode('utf-8')
 * (with a position), or cannot even build the datetime.
 */
const OWN_MESSAGE = new Set(["str with a lone surrogate", "Date year 10000", "invalid Date"])

const bitsHex = (x: number): string => {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  return toHex(new Uint8Array(view.buffer))
}

const ours = (f: () => string): Attempt => {
  try {
    return { ok: f() }
  } catch (e) {
    if (!(e instanceof XmlRpcError)) throw e
    return { error: e.reason }
  }
}

/** Generated scalar texts: mostly near-valid, so that both readers disagree only on a real difference. */
const scalarInputs = () => {
  const rnd = prng(20261121)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(rnd() * xs.length)]!
  const build = (alphabet: ReadonlyArray<string>, max: number) => {
    let s = ""
    const n = Math.floor(rnd() * max)
    for (let i = 0; i < n; i++) s += pick(alphabet)
    return s
  }
  const digits = ["0", "1", "5", "9", "_", "_", " ", "+", "-", "\t", "\u00a0", "\u2003", "\u0085", "x"]
  const floatChars = [...digits, ".", "e", "E", "1", "2", "inf", "nan", "infinity", "INF", "NaN", "i", "n"]
  const b64 = ["A", "Q", "z", "+", "/", "=", "=", "\n", " ", "*", "-", "9", "g", "AA", "=="]
  const ints = ["0", "-0", "+7", " 42 ", "1_000", "_1", "1_", "1__0", "", "+", "\u00a042\u3000", "0x10", "٣", "9".repeat(4300), "9".repeat(4301), "1_".repeat(4300) + "1"]
  const doubles = ["1.", ".5", "1.e5", "1e", "e5", ".", "-.5e-3", "1_0.5", "1_.5", "1._5", "Infinity", "-iNF", "+nan", "1e400", "-1e-400", "0x1p3", "1,5", "0" + ".1".repeat(3)]
  const datetimes = [
    "20240102T03:04:05", " 20240102T03:04:05\n", "20240102t03:04:05", "2024112T3:4:5", "20240229T00:00:00", "20230229T00:00:00",
    "20241131T00:00:00", "00000101T00:00:00", "99991231T23:59:59", "20240102T03:04:60", "20240102T03:04:61", "20240102T24:00:00",
    "2024 1 2T03:04:05", "202401 2T03:04:05", "20240102T03:04:05Z", "2024-01-02T03:04:05", "20240102T03:04", "1231231T1:1:1", "10101T0:0:0"
  ]
  const dtChars = ["0", "1", "2", "3", "9", "T", ":", " ", "t"]
  for (let i = 0; i < 1500; i++) ints.push(build(digits, 12))
  for (let i = 0; i < 1500; i++) doubles.push(build(floatChars, 10))
  const base64: Array<string> = ["", "A", "AA", "AA=", "AA==", "AAA", "AAA=", "AAAA", "A=A=", "AB=c=", "=AAA", "QUJD\nREVG\n", "Q U J D", "é"]
  for (let i = 0; i < 2000; i++) base64.push(build(b64, 14))
  for (let i = 0; i < 1500; i++) datetimes.push(build(dtChars, 19))
  for (let i = 0; i < 500; i++) {
    datetimes.push(`${1000 + Math.floor(rnd() * 9000)}${pick(["", "0", "1"])}${Math.floor(rnd() * 13)}${Math.floor(rnd() * 33)}T${Math.floor(rnd() * 25)}:${Math.floor(rnd() * 61)}:${Math.floor(rnd() * 62)}`)
  }
  const reprs: Array<number> = [0, -0, 1, -1, 0.1, 1e16, 1e15, 9999999999999998, 1e-4, 1e-5, 5e-324, Number.MAX_VALUE, 1 / 3, 2 ** 53, 2 ** 63, 123456789.125, 1e21, 1e22, 0.000123]
  const view = new DataView(new ArrayBuffer(8))
  for (let i = 0; i < 3000; i++) {
    view.setUint32(0, Math.floor(rnd() * 2 ** 32))
    view.setUint32(4, Math.floor(rnd() * 2 ** 32))
    const x = view.getFloat64(0)
    if (Number.isFinite(x)) reprs.push(x)
    reprs.push(Number((rnd() * 10 ** Math.floor(rnd() * 40 - 20)).toPrecision(1 + Math.floor(rnd() * 17))))
  }
  return { ints, doubles, base64, datetimes, reprs }
}

group("the XML-RPC codec against CPython", () => {
  for (const interpreter of interpreters) {
    it(`${interpreter.label}: documents CPython writes decode to what it reads and re-encode byte for byte`, () => {
      const { items } = runHelper<Values>(interpreter, "values")
      expect(items.length).toBeGreaterThan(60)
      const decodeFailures: Array<string> = []
      const reencoded: Array<{ label: string; hex: string; desc: Desc }> = []
      for (const item of items) {
        try {
          const value = decodeXmlRpc(fromHex(item.hex))
          expect(describe(value), item.name).toEqual(item.desc)
          const again = toHex(encodeXmlRpc(value))
          if (!NOT_CANONICAL.has(item.name)) expect(again, item.name).toBe(item.hex)
          reencoded.push({ label: item.name, hex: again, desc: item.desc })
        } catch (e) {
          decodeFailures.push(`${item.name}: ${String(e)}`)
        }
      }
      expect(decodeFailures).toEqual([])
      const checked = runHelper<Checked>(interpreter, "check", { items: reencoded })
      expect(checked.failures).toEqual([])
      expect(checked.checked).toBe(items.length)
    })

    it(`${interpreter.label}: JS values encode as CPython encodes their Python counterparts, or fail with its message`, () => {
      const mine = pairs.map(([label, value]) => {
        try {
          return { label, hex: toHex(encodeXmlRpc(value)) }
        } catch (e) {
          if (!(e instanceof XmlRpcError)) throw e
          return { label, error: e.reason }
        }
      })
      const { results } = runHelper<Exprs>(interpreter, "exprs", {
        items: pairs.map(([label, , expr], i) => ({ label, expr, hex: mine[i]!.hex ?? null }))
      })
      expect(results.length).toBe(pairs.length)
      for (const [i, theirs] of results.entries()) {
        const m = mine[i]!
        if (theirs.error !== undefined) {
          expect(m.hex, `${m.label}: CPython refuses it (${theirs.error})`).toBeUndefined()
          // CPython's message is "TypeError: cannot marshal ..."; ours is the part after the type.
          if (!OWN_MESSAGE.has(m.label)) expect(`${theirs.error.slice(0, theirs.error.indexOf(": "))}: ${m.error}`, m.label).toBe(theirs.error)
        } else {
          expect(m.error, m.label).toBeUndefined()
          expect(m.hex, m.label).toBe(theirs.hex)
          // And CPython reads our document (except where it cannot read its own either: raw NUL is not XML).
          if (UNREADABLE.has(m.label)) expect(theirs.ours, m.label).toHaveProperty("error")
          else expect(theirs.ours, m.label).not.toHaveProperty("error")
        }
      }
      // The refusals are the ones expected.
      expect(mine.filter((m) => m.error !== undefined).map((m) => m.label)).toEqual([
        "number over int32",
        "number under int32",
        "bigint over int32",
        "integral 1e100 number is an int",
        "str with a lone surrogate",
        "Map with an int key",
        "PyDict with a tuple key",
        "cyclic list",
        "cyclic dict",
        "PySet",
        "JS Set",
        "FrozenSet",
        "Date year 10000",
        "invalid Date",
        "Token",
        "Slice",
        "array.array"
      ])
    })

    it(`${interpreter.label}: int(), float(), base64.decodebytes(), strptime and repr(float) agree with ours`, () => {
      const inputs = scalarInputs()
      const theirs = runHelper<Scalars>(interpreter, "scalars", { ...inputs, reprs: inputs.reprs.map(bitsHex) })
      const compare = (kind: string, texts: ReadonlyArray<string>, got: ReadonlyArray<Attempt>, f: (s: string) => string) => {
        const mismatches: Array<string> = []
        texts.forEach((text, i) => {
          const a = ours(() => f(text))
          const b = got[i]!
          // Unicode digits: CPython accepts them and we do not (documented); skip those inputs.
          if (/[^\x00-\x7f]/.test(text.replace(/[\u00a0\u2003\u0085\u3000]/g, "")) && "ok" in b && "error" in a) return
          if ("ok" in a !== "ok" in b || ("ok" in a && "ok" in b && a.ok !== b.ok)) {
            mismatches.push(`${kind} ${JSON.stringify(text.slice(0, 60))}: ours ${JSON.stringify(a)}, CPython ${JSON.stringify(b)}`)
          }
        })
        expect(mismatches).toEqual([])
      }
      compare("int", inputs.ints, theirs.ints, (s) => String(parseInteger(s)))
      compare("float", inputs.doubles, theirs.doubles, (s) => {
        const v = parseDouble(s)
        return floatRepr(v instanceof PyFloat ? v.value : v)
      })
      compare("base64", inputs.base64, theirs.base64, (s) => toHex(decodeBase64(s)))
      compare("datetime", inputs.datetimes, theirs.datetimes, (s) => formatDateTime(parseDateTime(s)))
      expect(inputs.reprs.map(floatRepr)).toEqual(theirs.reprs)
      // Sanity: the generated inputs exercise both outcomes.
      for (const kind of ["ints", "doubles", "base64", "datetimes"] as const) {
        expect(theirs[kind].some((r) => "ok" in r), kind).toBe(true)
        expect(theirs[kind].some((r) => "error" in r), kind).toBe(true)
      }
    })
  }
})

