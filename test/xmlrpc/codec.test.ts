/**
 * The codec on its own: the exact bytes it writes, the value types it reads,
 * the XML it tolerates (declaration, comments, CDATA, prefixes, attributes,
 * references), the other document kinds, and its options.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { KeyError } from "../../src/domain/PythonErrors.ts"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { ByteArray, PyFloat } from "../../src/domain/values/PyObjects.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import {
  decodeXmlRpc,
  decodeXmlRpcDocument,
  decodeXmlRpcEffect,
  encodeXmlRpc,
  encodeXmlRpcEffect,
  XmlRpcError,
  XmlRpcFault
} from "../../src/protocol/xmlrpc/index.ts"
import { utf8, xmlRpcErrorOf } from "./support.ts"

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)
const doc = (value: string): Uint8Array => utf8(`<params><param><value>${value}</value></param></params>`)
const read = (value: string): unknown => decodeXmlRpc(doc(value))
const reason = (f: () => unknown): string | undefined => xmlRpcErrorOf(f)?.reason

describe("encodeXmlRpc", () => {
  it("writes CPython's layout: a params block, newline after every value but nil", () => {
    expect(text(encodeXmlRpc([null, 1, "a"]))).toBe(
      "<params>\n<param>\n<value><array><data>\n<value><nil/></value><value><int>1</int></value>\n" +
        "<value><string>a</string></value>\n</data></array></value>\n</param>\n</params>\n"
    )
    expect(text(encodeXmlRpc({ k: true }))).toBe(
      "<params>\n<param>\n<value><struct>\n<member>\n<name>k</name>\n<value><boolean>1</boolean></value>\n" +
        "</member>\n</struct></value>\n</param>\n</params>\n"
    )
  })

  it("escapes only &, < and > in strings and struct names", () => {
    expect(text(encodeXmlRpc(new Map([["<k&>", "\"'<&>"]])))).toContain("<name>&lt;k&amp;&gt;</name>\n<value><string>\"'&lt;&amp;&gt;</string>")
  })

  it("formats floats as Python's repr", () => {
    const doubles = (x: number | PyFloat) => text(encodeXmlRpc(x)).match(/<double>(.*)<\/double>/)?.[1]
    expect([0.1, 2.5, 1e-5, 0.0001, 1.5e-7, 123456789.125, -0.5].map(doubles)).toEqual(
      ["0.1", "2.5", "1e-05", "0.0001", "1.5e-07", "123456789.125", "-0.5"]
    )
    expect([new PyFloat(1), new PyFloat(-0), new PyFloat(1e16), new PyFloat(1e15), new PyFloat(1e100)].map(doubles)).toEqual(
      ["1.0", "-0.0", "1e+16", "1000000000000000.0", "1e+100"]
    )
    expect([Infinity, -Infinity, NaN].map(doubles)).toEqual(["inf", "-inf", "nan"])
  })

  it("writes bytes as base64 in 76-character lines and a Date in UTC without milliseconds", () => {
    expect(text(encodeXmlRpc(new ByteArray(59).fill(255)))).toContain(`<base64>\n${"/".repeat(76)}\n//8=\n</base64>`)
    expect(text(encodeXmlRpc(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 999))))).toContain("<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>")
  })

  it("writes a Python error as the struct of its __dict__, empty for a plain one", () => {
    expect(text(encodeXmlRpc(KeyError.make("k")))).toContain("<value><struct>\n</struct></value>\n")
  })

  it("refuses what CPython's Marshaller refuses, saying 'cannot marshal'", () => {
    class Foo {}
    expect(reason(() => encodeXmlRpc(new Foo()))).toBe("cannot marshal <class 'Foo'> objects")
    expect(reason(() => encodeXmlRpc(() => 1))).toBe("cannot marshal <class 'function'> objects")
    expect(reason(() => encodeXmlRpc(Symbol("s")))).toBe("cannot marshal <class 'symbol'> objects")
    expect(reason(() => encodeXmlRpc(new Int32Array(1)))).toBe("cannot marshal <class 'Int32Array'> objects")
    expect(reason(() => encodeXmlRpc([1, new Set([1])]))).toBe("cannot marshal <class 'set'> objects")
    expect(reason(() => encodeXmlRpc(2 ** 31))).toBe("int exceeds XML-RPC limits")
  })

  it("turns a throwing getter into an XmlRpcError and caps nesting", () => {
    const hostile = { get x() { throw new Error("boom") } }
    expect(reason(() => encodeXmlRpc(hostile))).toBe("cannot marshal: boom")
    let deep: unknown = 1
    for (let i = 0; i < 20; i++) deep = [deep]
    expect(reason(() => encodeXmlRpc(deep, { maxDepth: 10 }))).toBe("cannot marshal: nesting deeper than 10")
    expect(() => encodeXmlRpc(deep, { maxDepth: 20 })).not.toThrow()
  })

  it.effect("encodeXmlRpcEffect fails with the XmlRpcError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(encodeXmlRpcEffect(new Set()))
      expect(error._tag).toBe("XmlRpcError")
      expect(error.reason).toBe("cannot marshal <class 'set'> objects")
    }))
})

describe("decodeXmlRpc", () => {
  it("reads each XML-RPC type into the value model", () => {
    expect(read("<nil/>")).toBe(null)
    expect([read("<boolean>1</boolean>"), read("<boolean>0</boolean>")]).toEqual([true, false])
    expect([read("<int>-7</int>"), read("<i4>7</i4>"), read("<i1>1</i1>"), read("<i2>2</i2>"), read("<i8>8</i8>")]).toEqual([-7, 7, 1, 2, 8])
    expect(read("<biginteger>123456789012345678901234567890</biginteger>")).toBe(123456789012345678901234567890n)
    expect(read(`<i8>${Number.MAX_SAFE_INTEGER}</i8>`)).toBe(Number.MAX_SAFE_INTEGER)
    expect(read(`<i8>${Number.MAX_SAFE_INTEGER + 1}</i8>`)).toBe(BigInt(Number.MAX_SAFE_INTEGER) + 1n)
    expect(read("<double>2.5</double>")).toBe(2.5)
    expect(read("<float>0.5</float>")).toBe(0.5)
    expect(read("<double>1.0</double>")).toEqual(new PyFloat(1))
    expect(read("<double>1.0</double>")).toBeInstanceOf(PyFloat)
    expect(read("<double>-inf</double>")).toBe(-Infinity)
    expect(read("<string>a</string>")).toBe("a")
    expect(read("bare text")).toBe("bare text")
    const bytes = read("<base64>AAEC/w==</base64>")
    expect(bytes).toEqual(new Uint8Array([0, 1, 2, 255]))
    expect(bytes).not.toBeInstanceOf(ByteArray)
    expect(read("<dateTime.iso8601>20240102T03:04:05</dateTime.iso8601>")).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5)))
    const struct = read("<struct><member><name>a</name><value><int>1</int></value></member></struct>")
    expect(struct).toBeInstanceOf(PyDict)
    expect([...(struct as PyDict)]).toEqual([["a", 1]])
    expect(read("<array><data><value>x</value><value><int>2</int></value></data></array>")).toEqual(["x", 2])
  })

  it("reads a tuple as an array: XML-RPC has no tuple", () => {
    const value = decodeXmlRpc(encodeXmlRpc(Tuple.of(1, 2)))
    expect(value).toEqual([1, 2])
    expect(value).not.toBeInstanceOf(Tuple)
  })

  it("reads empty values, strings and arrays as CPython does", () => {
    expect(read("")).toBe("")
    expect(decodeXmlRpc(utf8("<params><param><value/></param></params>"))).toBe("")
    expect(read("<string/>")).toBe("")
    expect(read("<array/>")).toEqual([])
    expect(read("<array></array>")).toEqual([])
    expect(read("<struct/>")).toEqual(new PyDict())
    expect(read("  <int> 42 </int>\n")).toBe(42)
    expect(read("  padded  ")).toBe("  padded  ")
  })

  it("keeps a repeated struct name at its first position with its last value, as a dict does", () => {
    const m = (k: string, v: string) => `<member><name>${k}</name><value>${v}</value></member>`
    expect([...(read(`<struct>${m("a", "1")}${m("b", "2")}${m("a", "3")}</struct>`) as PyDict)]).toEqual([["a", "3"], ["b", "2"]])
  })

  it("accepts a declaration, a BOM, comments, CDATA, prefixes, attributes and references", () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("<params><param><value>x</value></param></params>")])
    expect(decodeXmlRpc(bom)).toBe("x")
    expect(decodeXmlRpc(utf8("<?xml version='1.0' encoding='latin-1'?>\n<!-- c --><params><param><value>é</value></param></params>\n<!-- end -->\n"))).toBe("é")
    expect(read("<string>a<!-- skip -->b<![CDATA[<&>]]>c</string>")).toBe("ab<&>c")
    expect(read("<ex:nil xmlns:ex='http://ws.apache.org/xmlrpc/namespaces/extensions'/>")).toBe(null)
    expect(read("<ex:i8>5</ex:i8>")).toBe(5)
    expect(read("<string lang=\"en\" x = 'y'>a</string>")).toBe("a")
    expect(read("<string>&lt;&gt;&amp;&quot;&apos;&#60;&#x3c;&#x3C;</string>")).toBe("<>&\"'<<<")
    expect(read("<string>&#x1F600;&#128512;</string>")).toBe("\u{1F600}\u{1F600}")
  })

  it("normalizes line ends as XML does, keeping an escaped carriage return", () => {
    expect(read("<string>a\r\nb\rc&#13;</string>")).toBe("a\nb\nc\r")
  })

  it("reads methodCall and methodResponse documents", () => {
    const call = decodeXmlRpcDocument(utf8(
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>pow</methodName>\n<params>\n<param><value><int>2</int></value></param>\n<param><value><int>3</int></value></param>\n</params>\n</methodCall>\n"
    ))
    expect(call).toEqual({ _tag: "MethodCall", methodName: "pow", params: [2, 3] })
    expect(decodeXmlRpcDocument(utf8("<methodCall><methodName>ping</methodName></methodCall>"))).toEqual({ _tag: "MethodCall", methodName: "ping", params: [] })
    expect(decodeXmlRpc(utf8("<methodResponse><params><param><value><int>8</int></value></param></params></methodResponse>"))).toBe(8)
  })

  it("throws an XmlRpcFault for a fault response", () => {
    const fault = "<methodResponse><fault><value><struct>" +
      "<member><name>faultCode</name><value><int>4</int></value></member>" +
      "<member><name>faultString</name><value><string>Too many params</string></value></member>" +
      "</struct></value></fault></methodResponse>"
    let thrown: unknown
    try {
      decodeXmlRpc(utf8(fault))
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(XmlRpcFault)
    expect(thrown).toMatchObject({ _tag: "XmlRpcFault", faultCode: 4, faultString: "Too many params" })
    const incomplete = "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>4</int></value></member></struct></value></fault></methodResponse>"
    expect(xmlRpcErrorOf(() => decodeXmlRpc(utf8(incomplete)))).toBeInstanceOf(XmlRpcError)
  })

  it("requires exactly one param, as multiprocessing's _xml_loads does", () => {
    expect(reason(() => decodeXmlRpc(utf8("<params></params>")))).toBe("expected exactly one param, got 0")
    expect(reason(() => decodeXmlRpc(utf8("<params><param><value>a</value></param><param><value>b</value></param></params>")))).toBe(
      "expected exactly one param, got 2"
    )
    expect(decodeXmlRpcDocument(utf8("<params/>"))).toEqual({ _tag: "Params", params: [] })
  })

  it("applies maxDepth and maxElements", () => {
    const nested = (n: number) => `${"<array><data><value>".repeat(n)}x${"</value></data></array>".repeat(n)}`
    expect(() => read(nested(1000))).not.toThrow()
    expect(reason(() => read(nested(1001)))).toBe("nesting deeper than 1000")
    expect(reason(() => decodeXmlRpc(doc(nested(6)), { maxDepth: 5 }))).toBe("nesting deeper than 5")
    expect(reason(() => decodeXmlRpc(doc("<array><data><value>a</value><value>b</value></data></array>"), { maxElements: 6 }))).toMatch(/^more than 6 elements/)
    expect(decodeXmlRpc(doc("<array><data><value>a</value><value>b</value></data></array>"), { maxElements: 7 })).toEqual(["a", "b"])
  })

  it.effect("decodeXmlRpcEffect fails with the XmlRpcError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(decodeXmlRpcEffect(utf8("<params>")))
      expect(error._tag).toBe("XmlRpcError")
      expect(yield* decodeXmlRpcEffect(doc("<int>3</int>"))).toBe(3)
    }))
})
