/**
 * The decoder against hostile input: whatever the bytes, it returns a value,
 * throws an XmlRpcError, or (for a well-formed fault) an XmlRpcFault; never
 * another error, never a hang, never an expansion.
 */
import { describe, expect, it } from "@effect/vitest"
import { PyFloat } from "../../src/domain/values/PyObjects.ts"
import { decodeXmlRpc, type XmlRpcDecodeOptions, encodeXmlRpc, XmlRpcError, XmlRpcFault } from "../../src/protocol/xmlrpc/index.ts"
import { describe as descriptionOf, prng, utf8 } from "./support.ts"

/** The XmlRpcError `decodeXmlRpc` throws for `input`; fails the test if it returns or throws anything else. */
const failure = (input: Uint8Array | string, options?: XmlRpcDecodeOptions): XmlRpcError => {
  const bytes = typeof input === "string" ? utf8(input) : input
  try {
    decodeXmlRpc(bytes, options)
  } catch (e) {
    expect(e).toBeInstanceOf(XmlRpcError)
    return e as XmlRpcError
  }
  throw new Error(`decoded without error: ${new TextDecoder().decode(bytes).slice(0, 200)}`)
}

const wrap = (value: string): string => `<params><param><value>${value}</value></param></params>`

/** Decodes, or throws an XmlRpcError/XmlRpcFault; any other outcome is a test failure. */
const decodeOrError = (bytes: Uint8Array): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: decodeXmlRpc(bytes) }
  } catch (e) {
    if (e instanceof XmlRpcError || e instanceof XmlRpcFault) return { ok: false }
    throw new Error(`non-XmlRpcError ${String(e)} for ${JSON.stringify(new TextDecoder().decode(bytes))}`)
  }
}

const rich = encodeXmlRpc([
  null,
  true,
  -12,
  0.25,
  new PyFloat(3),
  "text <&> \u00e9 \u{1F600}",
  new Uint8Array([0, 1, 2, 250, 251, 252, 253]),
  new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
  new Map<string, unknown>([["k", [1, [2, [3]]]], ["", { a: "b" }]]),
  []
])

const elapsed = (f: () => void): number => {
  const start = performance.now()
  f()
  return performance.now() - start
}

describe("hostile XML-RPC input", () => {
  it("every truncation of a valid document fails, unless only trailing white space was cut", () => {
    const full = decodeXmlRpc(rich)
    const lastTag = rich.lastIndexOf(0x3e) + 1
    for (let n = 0; n < rich.length; n++) {
      const prefix = rich.subarray(0, n)
      if (n < lastTag) failure(prefix)
      else expect(descriptionOf(decodeXmlRpc(prefix))).toEqual(descriptionOf(full))
    }
  })

  it("10,000 seeded mutations decode or fail with XmlRpcError, and what decodes round-trips", () => {
    const rnd = prng(7)
    const int = (n: number) => Math.floor(rnd() * n)
    const snippets = [
      "<", ">", "/", "&", ";", "&#x0;", "&#60;", "&amp;", "&bogus;", "<value>", "</value>", "<array>", "<data>",
      "</data>", "<struct>", "<member>", "<name>", "</name>", "<int>", "</int>", "<![CDATA[", "]]>", "<!--", "-->",
      "<?xml version='1.0'?>", "<?pi?>", "<!DOCTYPE x>", "<!ENTITY a 'b'>", "=", "\"", "'", " a='1'", "<nil/>",
      "<double>", "1e999", "99999999999", "<base64>", "====", "\u00e9", "\u0000", "\r", "\t"
    ].map(utf8)
    let decoded = 0
    for (let i = 0; i < 10_000; i++) {
      const bytes = [...rich]
      for (let m = 1 + int(3); m > 0; m--) {
        const at = int(bytes.length + 1)
        switch (int(5)) {
          case 0:
            bytes[at] = int(256)
            break
          case 1:
            bytes.splice(at, 1 + int(8))
            break
          case 2:
            bytes.splice(at, 0, ...bytes.slice(int(bytes.length), int(bytes.length)))
            break
          case 3:
            bytes.splice(at, 0, ...snippets[int(snippets.length)]!)
            break
          default:
            bytes[at] = [0x3c, 0x3e, 0x2f, 0x26, 0x20, 0x0a, 0x80, 0xc3][int(8)]!
        }
      }
      const outcome = decodeOrError(new Uint8Array(bytes))
      if (!outcome.ok) continue
      decoded++
      let again: Uint8Array
      try {
        again = encodeXmlRpc(outcome.value)
      } catch (e) {
        // Decoded ints beyond 32 bits are values CPython itself would refuse to write.
        expect(e).toBeInstanceOf(XmlRpcError)
        continue
      }
      expect(descriptionOf(decodeXmlRpc(again))).toEqual(descriptionOf(outcome.value))
    }
    // The mutations are mild enough that some survive, so the round-trip check ran.
    expect(decoded).toBeGreaterThan(100)
  })

  it("refuses deep nesting without exhausting the stack", () => {
    const nested = (open: string, close: string, n: number) => wrap(`${open.repeat(n)}x${close.repeat(n)}`)
    expect(failure(nested("<array><data><value>", "</value></data></array>", 100_000)).reason).toBe("nesting deeper than 1000")
    expect(failure(nested("<struct><member><name>k</name><value>", "</value></member></struct>", 5000)).reason).toBe("nesting deeper than 1000")
    // With the cap lifted, the stack runs out first: still an XmlRpcError.
    expect(failure(nested("<array><data><value>", "</value></data></array>", 300_000), { maxDepth: 1e9 }).reason).toMatch(/^nesting too deep for the stack/)
    // Unclosed elements are counted too.
    failure(`<params><param><value>${"<array><data><value>".repeat(200_000)}`)
  })

  it("refuses DTDs, entity declarations and undefined entities: no billion laughs", () => {
    const lol = `<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n` +
      Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">\n`).join("") +
      `]>\n${wrap("<string>&lol9;</string>")}`
    expect(failure(lol).reason).toMatch(/^DOCTYPE declarations are refused/)
    expect(failure(`<!ENTITY x "y">${wrap("a")}`).reason).toMatch(/^ENTITY declarations are refused/)
    expect(failure(wrap("<string>&lol;</string>")).reason).toMatch(/^undefined entity "&lol;"/)
    expect(failure(wrap("<string>&#0;</string>")).reason).toMatch(/^bad character reference/)
    expect(failure(wrap("<string>&#xD800;</string>")).reason).toMatch(/^bad character reference/)
    expect(failure(wrap("<string>&#x110000;</string>")).reason).toMatch(/^bad character reference/)
    expect(failure(wrap("<string>&#X41;</string>")).reason).toMatch(/^bad character reference/)
    expect(failure(wrap(`<string>&#${"9".repeat(100_000)};</string>`)).reason).toMatch(/^bad character reference/)
    expect(failure(wrap("<string>&amp</string>")).reason).toMatch(/^unterminated reference/)
    expect(failure(`<?xml-stylesheet href="x"?>${wrap("a")}`).reason).toMatch(/^malformed XML declaration|^processing/)
    expect(failure(`${wrap("<?php evil() ?>a")}`).reason).toMatch(/^processing instructions are refused/)
    expect(failure(` <?xml version='1.0'?>${wrap("a")}`).reason).toMatch(/^processing instructions are refused/)
  })

  it("refuses numbers beyond CPython's limits and malformed scalars", () => {
    expect(decodeXmlRpc(utf8(wrap(`<int>${"9".repeat(4300)}</int>`)))).toBe(10n ** 4300n - 1n)
    expect(failure(wrap(`<int>${"9".repeat(4301)}</int>`)).reason).toBe("int with more than 4300 digits")
    expect(failure(wrap(`<int>${"1".repeat(1_000_000)}</int>`)).reason).toBe("int with more than 4300 digits")
    expect(decodeXmlRpc(utf8(wrap(`<double>1${"0".repeat(400)}.5</double>`)))).toBe(Infinity)
    expect(decodeXmlRpc(utf8(wrap("<double>1e999999999</double>")))).toBe(Infinity)
    for (const bad of ["<int>1.5</int>", "<int></int>", "<int>0x10</int>", "<double>1e</double>", "<double>--1</double>", "<boolean>true</boolean>", "<boolean> 1</boolean>", "<dateTime.iso8601>2024-01-02T03:04:05</dateTime.iso8601>", "<dateTime.iso8601>20240230T00:00:00</dateTime.iso8601>"]) {
      failure(wrap(bad))
    }
  })

  it("refuses bad base64 as binascii does", () => {
    expect(failure(wrap("<base64>A</base64>")).reason).toMatch(/one data character more/)
    expect(failure(wrap("<base64>AB</base64>")).reason).toMatch(/incorrect padding/)
    expect(failure(wrap("<base64>AB=c</base64>")).reason).toMatch(/incorrect padding/)
    expect(failure(wrap("<base64>QUJD\u00e9</base64>")).reason).toBe("base64 data is not ASCII")
    // Junk outside the alphabet is skipped and data after a completed pad ignored, as binascii does.
    expect(decodeXmlRpc(utf8(wrap("<base64>Q*U J\nD</base64>")))).toEqual(utf8("ABC"))
    expect(decodeXmlRpc(utf8(wrap("<base64>QQ==QUJD</base64>")))).toEqual(utf8("A"))
  })

  it("refuses bad UTF-8 and characters XML forbids", () => {
    const bad = [[0xff], [0xc3], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]
    for (const b of bad) {
      const bytes = new Uint8Array([...utf8("<params><param><value>"), ...b, ...utf8("</value></param></params>")])
      expect(failure(bytes).reason).toBe("invalid UTF-8")
    }
    expect(failure(wrap("a\u0000b")).reason).toMatch(/^character U\+0000 is not allowed/)
    expect(failure(wrap("\u0001")).reason).toMatch(/^character U\+0001 is not allowed/)
    expect(failure(wrap("\uFFFE")).reason).toMatch(/^character U\+fffe is not allowed/)
  })

  it("refuses unknown tags and broken structure", () => {
    const cases = [
      wrap("<foo/>"), wrap("<bigdecimal>1.5</bigdecimal>"), wrap("<value>a</value>"), wrap("a<int>1</int>"),
      wrap("<int>1</int><int>2</int>"), wrap("<int><i4>1</i4></int>"), wrap("<nil>x</nil>"),
      wrap("<array><value>1</value></array>"), wrap("<array><data>x</data></array>"), wrap("<array><data></data><data></data></array>"),
      wrap("<struct><member><value>1</value></member></struct>"), wrap("<struct><member><name>a</name></member></struct>"),
      wrap("<struct><member><name>a<b/></name><value>1</value></member></struct>"), wrap("<struct>x</struct>"),
      "<params><param></param></params>", "<params><value>1</value></params>", "<params>junk</params>",
      "<foo><param><value>1</value></param></foo>", "", "   ", "<!-- only a comment -->", "text",
      `${wrap("a")}<params/>`, `${wrap("a")}junk`, `junk${wrap("a")}`, "<params><param><value>a</value></param></PARAMS>",
      "<params><param><value>a</param></value></params>", "<params ><param><value>a</value></param></params x>",
      wrap("<string a='1' a='2'>x</string>"), wrap("<string a=1>x</string>"), wrap("<string a='<'>x</string>"),
      wrap("<string a='1'b='2'>x</string>"), wrap("<string>a]]>b</string>"), wrap("<string><!-- a -- b --></string>"),
      wrap("<string><![CDATA[x</string>"), wrap("<string><!-- x</string>"), "<methodResponse></methodResponse>",
      "<methodCall><params/></methodCall>", "<methodResponse><fault><value>1</value></fault></methodResponse>", "<1params/>",
      "<params", "<params/", "<", "</params>", "<params></params><!--", "<?xml version='2.0'?><params/>"
    ]
    for (const c of cases) failure(c)
  })

  it("stays linear on inputs built to be slow", () => {
    const budget = 1500
    const slow: Array<[string, string]> = [
      ["an unterminated comment", `<params><!--${"-".repeat(2_000_000)}`],
      ["an unterminated CDATA", wrap(`<string><![CDATA[${"]".repeat(2_000_000)}</string>`)],
      ["many references", wrap(`<string>${"&#60;&amp;".repeat(200_000)}</string>`)],
      ["references without ;", wrap(`<string>${"&".repeat(1_000_000)}</string>`)],
      ["many attributes", wrap(`<string ${Array.from({ length: 100_000 }, (_, i) => `a${i}='x'`).join(" ")}>x</string>`)],
      ["a padded int", wrap(`<int>${" ".repeat(1_000_000)}1${" ".repeat(1_000_000)}x</int>`)],
      ["a padded double", wrap(`<double>${"\u3000".repeat(1_000_000)}1.5${" \t".repeat(500_000)}</double>`)],
      ["long white space runs in a dateTime", wrap(`<dateTime.iso8601>${" a".repeat(500_000)}</dateTime.iso8601>`)],
      ["many empty values", wrap(`<array><data>${"<value/>".repeat(300_000)}</data></array>`)],
      ["a long base64", wrap(`<base64>${"QUJD".repeat(500_000)}</base64>`)]
    ]
    for (const [label, input] of slow) {
      const bytes = utf8(input)
      const ms = elapsed(() => decodeOrError(bytes))
      expect(ms, label).toBeLessThan(budget)
    }
  })

  it("decodes a large manager-sized frame quickly", () => {
    const items = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? i : i % 3 === 1 ? `s${i}` : i + 0.5))
    const bytes = encodeXmlRpc(["#RETURN", items])
    let value: unknown
    expect(elapsed(() => (value = decodeXmlRpc(bytes)))).toBeLessThan(1500)
    expect((value as [string, Array<unknown>])[1]).toEqual(items)
  })
})
