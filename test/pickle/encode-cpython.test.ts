/**
 * Values made in JS (plain objects, Maps, Sets, numbers, lone surrogates,
 * errors, Tokens, proxies, records...) encoded at protocols 2-4 and loaded
 * by real CPython 3.11, 3.12 and 3.13, which compares each with the Python
 * value it must be (cpython_helper.py, js_expected).
 */
import { describe, expect, it } from "@effect/vitest"
import {
  AttributeError,
  BrokenBarrierError,
  IndexError,
  KeyError,
  OverflowError,
  PythonException,
  QueueEmpty,
  QueueFull,
  RuntimeError,
  StopIteration,
  TypeError,
  ValueError
} from "../../src/domain/PythonErrors.ts"
import { Token } from "../../src/domain/Token.ts"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { ByteArray, NamespaceValue, PyArray, PyFloat, PyObject, Slice, ValueCopy } from "../../src/domain/values/PyObjects.ts"
import { FrozenSet } from "../../src/domain/values/PySet.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import { encodePickle, type EncodeOptions, PyGlobal, PyNewObject, setExceptionState } from "../../src/protocol/pickle/index.ts"
import { toHex } from "./fixtures.ts"
import { interpreters, runHelper } from "./python.ts"

const T = (...items: Array<unknown>): Tuple => Tuple.of<unknown>(...items)

const jsValues = (): Array<[string, unknown, EncodeOptions?]> => {
  const cyclic: Array<unknown> = [1]
  cyclic.push(cyclic)
  const shared = [1, 2]
  const noted = KeyError.make("k")
  setExceptionState(noted, new PyDict([["__notes__", ["retry later"]]]))
  const token = new Token("dict", "tcp:127.0.0.1:5000", "ab")
  return [
    ["plain_object", { a: 1, b: [true, null], nested: { c: "d" } }],
    ["map_keys", new Map<unknown, unknown>([[1, "int"], [T(1, 2), "tuple"], [new Uint8Array([0x6b]), "bytes"], [null, "none"],
      [2.5, "float"], [new FrozenSet([1]), "fs"]])],
    ["js_set", new Set<unknown>([1, "a", T(2, 3)])],
    ["frozen_set", new FrozenSet([1, 2])],
    ["undefined", undefined],
    ["numbers", [0, 1, -1, 255, 256, 65535, 65536, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 1.5, -0.25, new PyFloat(2),
      2 ** 53, 1e20, -0, Infinity, -Infinity, 123n, -(2n ** 100n), 2n ** 64n, -(2n ** 63n), 2n ** 2100n]],
    ["nan", NaN],
    ["strings", ["", "a".repeat(255), "a".repeat(256), "é".repeat(127), "é".repeat(128), "😀", "x\ny\\", "ÿ"]],
    ["lone_surrogates", ["a\ud800b", "\udfff", "\ud83d", "ok😀"]],
    ["bytes", [new Uint8Array(0), Buffer.from([0, 255]), new Uint8Array(256 * 300).map((_, i) => i % 256)]],
    ["bytearray", new ByteArray([1, 2])],
    ["tuples", [T(), T(1), T(1, 2), T(1, 2, 3), T(1, 2, 3, 4), T(T())]],
    ["errors", [KeyError.make("k"), QueueEmpty.make(), QueueFull.make(), BrokenBarrierError.make(), StopIteration.make(),
      IndexError.make("i"), ValueError.make("v", 2), TypeError.make("t"), RuntimeError.make("r"), AttributeError.make("a"),
      OverflowError.make("o"), new PythonException({ pythonName: "builtins.ZeroDivisionError", args: ["z"], message: "z" }),
      new PythonException({ pythonName: "multiprocessing.managers.RemoteError", args: ["remote"], message: "remote" }),
      new PythonException({ pythonName: "builtins.OSError", args: [111, "no"], message: "[Errno 111] no" })]],
    ["noted_error", noted],
    ["token_tcp", token],
    ["token_unix", new Token("list", "unix:/tmp/x.sock", "cd")],
    ["token_ipv6", new Token("list", "tcp:::1:6000", "ef")],
    ["proxy_list", token, { proxyFor: () => ({ proxyClass: "ListProxy" }) }],
    ["proxy_auto", token, { proxyFor: () => ({ proxyClass: "AutoProxy", exposed: ["get", "put"] }) }],
    ["namespace", new NamespaceValue({ a: 1, b: "two" })],
    ["value", new ValueCopy("i", 7)],
    ["arrays", [new PyArray("d", [1.5, 2]), new PyArray("q", [2n ** 62n, -1]), new PyArray("u", ["h", "i"]), new PyArray("B", [])]],
    ["slices", [new Slice(1, null, 2), new Slice(null, null)]],
    ["records", [
      new PyObject("fractions", "Fraction", T("1/3")),
      new PyObject("collections", "OrderedDict", T(), null, null, [["a", 1]]),
      new PyNewObject("__main__", "Point", T(), null, new PyDict([["x", 1], ["y", 2]])),
      new PyGlobal("posixpath", "join")
    ]],
    ["cyclic_list", cyclic],
    ["shared", [shared, shared, T(shared)]],
    ["big_list", Array.from({ length: 2500 }, (_, i) => i)],
    ["big_dict", new PyDict(Array.from({ length: 2500 }, (_, i) => [i, -i] as const))],
    ["big_set", new Set(Array.from({ length: 2500 }, (_, i) => i))]
  ]
}

describe("JS values loaded by CPython", () => {
  for (const interpreter of interpreters) {
    it(`${interpreter.label}: loads what the codec writes at protocols 2-4 as the expected Python values`, () => {
      const items = jsValues().flatMap(([name, value, options]) =>
        ([2, 3, 4] as const).map((protocol) => ({
          name,
          protocol,
          hex: toHex(encodePickle(value, { ...options, protocol }))
        }))
      )
      const checked = runHelper<{ checked: number; failures: ReadonlyArray<string> }>(interpreter, "check-js", { items })
      expect(checked.failures).toEqual([])
      expect(checked.checked).toBe(items.length)
    })
  }
})
