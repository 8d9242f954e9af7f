/**
 * Property tests (fast-check) over every decoder a peer's bytes reach:
 * framing, the handshake, our msgpack dialect, pickle and XML-RPC. Whatever
 * the input (mutated valid frames, garbage, deep nesting, lengths that lie,
 * huge strings, bad UTF-8, unknown globals and opcodes), each decoder returns
 * a value or its own typed error; none throws anything else, none hangs,
 * none allocates past its cap. The live-server half is fuzz.test.ts.
 *
 * CI runs 1,000 inputs per property; `npm run soak` runs 100,000.
 */
import { describe, expect, it, vi } from "@effect/vitest"
import * as fc from "fast-check"
import { Result } from "effect"
import { PyFloat } from "../../src/domain/values/PyObjects.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import { frame, FrameDecoder, FrameError } from "../../src/protocol/Framing.ts"
import { AuthenticationError, answerFor, verifyAnswer } from "../../src/protocol/Handshake.ts"
import type * as M from "../../src/protocol/Messages.ts"
import { decodePickle, encodePickle, PickleError } from "../../src/protocol/pickle/index.ts"
import { Op } from "../../src/protocol/pickle/Opcodes.ts"
import { decodeValue, encodeValue } from "../../src/protocol/ValueCodec.ts"
import { decodeReply, decodeRequest, encodeRequest, ProtocolError } from "../../src/protocol/WireCodec.ts"
import { decodeXmlRpc, encodeXmlRpc, XmlRpcError, XmlRpcFault } from "../../src/protocol/xmlrpc/index.ts"
import { pickleFrames } from "../pickle/fixtures.ts"
import { deepNesting, hostile, lyingLength, plainValue, runs } from "../support/arbitraries.ts"
import { scale } from "../support/soak.ts"

// 100,000 inputs through a decoder take minutes in the soak (XML-RPC's about two).
vi.setConfig({ testTimeout: scale(30_000, 900_000) })

const bytes = (...b: ReadonlyArray<number>) => Uint8Array.from(b)
const ascii = (s: string) => new TextEncoder().encode(s)

/** msgpack hands bytes back as Buffers (Uint8Arrays that print differently): compare them as Uint8Arrays. */
const plainBytes = (v: unknown): unknown =>
  Buffer.isBuffer(v)
    ? new Uint8Array(v)
    : v instanceof Tuple
    ? Tuple.fromArray(v.map(plainBytes))
    : Array.isArray(v)
    ? v.map(plainBytes)
    : v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype
    ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainBytes(x)]))
    : v

/** Runs `decode`; returns "value" or the error's class name if it is one of `allowed`, else fails. */
const outcome = (decode: () => unknown, allowed: ReadonlyArray<abstract new(...args: any) => unknown>): string => {
  try {
    decode()
    return "value"
  } catch (e) {
    if (!allowed.some((c) => e instanceof c)) throw new Error(`untyped failure: ${String(e)}`)
    return (e as object).constructor.name
  }
}

describe("framing", () => {
  it("any frames, split into any chunks, come out whole and in order", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), (payloads, cuts) => {
        const wire = Buffer.concat(payloads.map(frame))
        const decoder = new FrameDecoder(1024)
        const out: Array<Uint8Array> = []
        let from = 0
        for (const cut of [...cuts.map((c) => c % (wire.length + 1)).sort((a, b) => a - b), wire.length]) {
          decoder.push(wire.subarray(from, Math.max(from, cut)), true)
          from = Math.max(from, cut)
          for (let f = decoder.next(); f !== undefined; f = decoder.next()) out.push(Uint8Array.from(f))
        }
        expect(out).toEqual(payloads)
        expect(decoder.buffered).toBe(0)
      }),
      { numRuns: runs }
    )
  })

  it("any bytes: frames within the cap, or a FrameError; nothing larger is ever allocated", () => {
    const limit = 4096
    const edges = [lyingLength(new Uint8Array(0)), lyingLength(bytes(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0))]
    fc.assert(
      fc.property(hostile([frame(ascii("hello")), frame(new Uint8Array(100))], edges), (input) => {
        const decoder = new FrameDecoder(limit)
        decoder.push(input)
        try {
          for (let f = decoder.next(); f !== undefined; f = decoder.next()) expect(f.length).toBeLessThanOrEqual(limit)
        } catch (e) {
          expect(e).toBeInstanceOf(FrameError)
        }
        // Whatever is kept is what was received, never a buffer sized by a header.
        expect(decoder.buffered).toBeLessThanOrEqual(input.length)
      }),
      { numRuns: runs }
    )
  })
})

describe("handshake", () => {
  const challengeBody = fc.uint8Array({ minLength: 40, maxLength: 40 }).map((r) => Buffer.concat([ascii("{sha256}"), r]))

  it("the right key's answer is accepted; any change to it is an AuthenticationError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), challengeBody, fc.nat(), fc.integer({ min: 1, max: 255 }), (key, body, at, xor) => {
        const answer = answerFor(key, body) as Uint8Array
        expect(verifyAnswer(key, body, answer, true)).toBeUndefined()
        const wrong = Uint8Array.from(answer)
        wrong[at % wrong.length] = wrong[at % wrong.length]! ^ xor
        expect(verifyAnswer(key, body, wrong, true)).toBeInstanceOf(AuthenticationError)
      }),
      { numRuns: runs }
    )
  })

  it("any answer bytes from a peer without the key: an AuthenticationError, never a throw", () => {
    const goodAnswer = answerFor(ascii("k"), Buffer.concat([ascii("{sha256}"), new Uint8Array(40)])) as Uint8Array
    fc.assert(
      fc.property(hostile([goodAnswer, ascii("{md5}0123456789abcdef"), new Uint8Array(16)], []), challengeBody, fc.boolean(), (answer, body, strict) => {
        expect(verifyAnswer(ascii("the key"), body, answer, strict)).toBeInstanceOf(AuthenticationError)
      }),
      { numRuns: runs }
    )
  })
})

describe("our msgpack dialect", () => {
  const request = fc.oneof(
    fc.record({
      _tag: fc.constant("Call" as const),
      id: fc.nat(),
      object: fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 1, maxLength: 8 }),
      method: fc.string({ maxLength: 20 }),
      args: fc.array(plainValue, { maxLength: 4 }),
      kwargs: fc.constant(null),
      caller: fc.nat(),
      trace: fc.oneof(fc.constant(null), fc.string({ maxLength: 55 }))
    }),
    fc.record({ _tag: fc.constant("Create" as const), id: fc.nat(), typeid: fc.string(), args: fc.array(plainValue, { maxLength: 3 }), kwargs: fc.constant(null) }),
    fc.record({ _tag: fc.constantFrom("Incref" as const, "Decref" as const), id: fc.nat(), object: fc.string() }),
    fc.record({ _tag: fc.constant("Cancel" as const), id: fc.nat(), target: fc.nat() })
  ) as fc.Arbitrary<M.Request>

  it("every request decodes to what was encoded", () => {
    fc.assert(
      fc.property(request, (r) => {
        const decoded = decodeRequest(encodeRequest(r))
        expect(Result.isSuccess(decoded)).toBe(true)
        expect(plainBytes(Result.getOrThrow(decoded))).toEqual(r)
      }),
      { numRuns: runs }
    )
  })

  it("Python's -0.0 reaches a JS peer as -0", () => {
    expect(Object.is(decodeValue(encodeValue(new PyFloat(-0))), -0)).toBe(true)
    expect(decodeValue(encodeValue([new PyFloat(2), new PyFloat(-0)]))).toEqual([2, -0])
  })

  it("values keep their kind: tuples, bigints, bytes and floats", () => {
    fc.assert(
      fc.property(plainValue, fc.array(plainValue, { maxLength: 3 }), (v, items) => {
        expect(plainBytes(decodeValue(encodeValue(v)))).toEqual(v)
        const t = plainBytes(decodeValue(encodeValue(Tuple.fromArray(items))))
        expect(t).toBeInstanceOf(Tuple)
        expect([...(t as Tuple<unknown>)]).toEqual(items)
      }),
      { numRuns: runs }
    )
  })

  it("any bytes: a checked message or a ProtocolError, never a throw", () => {
    const corpus = [
      encodeRequest({ _tag: "Call", id: 3, object: "0001", method: "__getitem__", args: ["a", [1, { b: new Uint8Array(4) }]], kwargs: { block: true }, caller: 1, trace: null }),
      encodeRequest({ _tag: "Create", id: 2, typeid: "dict", args: [new Map<unknown, unknown>([[1, 2]])], kwargs: null }),
      encodeValue(Tuple.of<unknown>(1, 2n ** 64n, 1.5))
    ]
    const edges = [
      deepNesting(bytes(0x91)), // fixarray(1), nested to the bottom of the stack
      deepNesting(bytes(0x81, 0xa1, 0x61)), // fixmap {"a": ...}
      lyingLength(bytes(0xdb)), // str32 that claims up to 4 GiB
      lyingLength(bytes(0xc6)), // bin32
      lyingLength(bytes(0xdd)), // array32
      // Nested array32/map32 headers, each claiming millions of elements: msgpackr
      // would allocate for every claim before reading one element.
      fc.array(fc.tuple(fc.constantFrom(0xdd, 0xdf), fc.integer({ min: 1 << 20, max: (1 << 25) - 1 })), { minLength: 1, maxLength: 40 })
        .map((headers) => Uint8Array.from(headers.flatMap(([t, n]) => [t, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]))),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.concat([bytes(0xd9, b.length), b])) // str8 of bad UTF-8
    ]
    const seen = new Set<string>()
    fc.assert(
      fc.property(hostile(corpus, edges), (input) => {
        const decoders: ReadonlyArray<(b: Uint8Array) => Result.Result<{ readonly _tag: string }, ProtocolError>> = [decodeRequest, decodeReply]
        for (const decode of decoders) {
          const r = decode(input)
          if (Result.isFailure(r)) expect(r.failure).toBeInstanceOf(ProtocolError)
          seen.add(Result.isSuccess(r) ? r.success._tag : "ProtocolError")
        }
      }),
      { numRuns: runs }
    )
    expect(seen).toContain("ProtocolError")
  })
})

describe("pickle", () => {
  const corpus = [
    ...pickleFrames().slice(0, 60).map((f) => f.payload),
    encodePickle(Tuple.of<unknown>(null, "create", Tuple.of<unknown>("list", [1, 2.5, "x", new Uint8Array(3), 2n ** 70n]), new Map()))
  ]
  const edges = [
    deepNesting(bytes(Op.EMPTY_LIST, Op.MARK)), // lists and marks to the bottom of the stack
    deepNesting(bytes(Op.MARK)),
    lyingLength(bytes(0x80, 4, Op.BINUNICODE), true), // a str whose length lies
    lyingLength(bytes(0x80, 4, Op.BINBYTES), true),
    fc.constantFrom("os\nsystem", "builtins\neval", "subprocess\nPopen", "posix\nsystem").map((g) =>
      Buffer.concat([bytes(0x80, 2, Op.GLOBAL), ascii(`${g}\n`), bytes(Op.STOP)])
    ),
    fc.integer({ min: 0, max: 255 }).map((op) => bytes(0x80, 4, op, Op.STOP)), // any opcode, known or not
    fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) => Buffer.concat([bytes(0x80, 4, Op.SHORT_BINUNICODE, b.length), b, bytes(Op.STOP)]))
  ]

  it("any bytes: a value or a PickleError; no global outside the whitelist is ever resolved", () => {
    fc.assert(
      fc.property(hostile(corpus, edges), (input) => {
        const result = outcome(() => decodePickle(input, { maxDepth: 200 }), [PickleError])
        expect(["value", "PickleError"]).toContain(result)
      }),
      { numRuns: runs }
    )
  })

  it("plain values survive a round trip through our writer and reader", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.string({ unit: "binary", maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), fc.boolean(), fc.constant(null))), (items) => {
        expect(decodePickle(encodePickle(items))).toEqual(items)
      }),
      { numRuns: runs }
    )
  })
})

describe("XML-RPC", () => {
  const corpus = [
    encodeXmlRpc(Tuple.of<unknown>(null, "create", Tuple.of<unknown>("dict"), new Map([["a", 1]]))),
    encodeXmlRpc(Tuple.of<unknown>("0001", "put", Tuple.of<unknown>(Tuple.of<unknown>("hello & <bye>", null, true, 2.25)), new Map()))
  ]
  const edges = [
    deepNesting(ascii("<value><array><data>")),
    deepNesting(ascii("<!DOCTYPE x [<!ENTITY a \"&a;&a;\">]>")),
    fc.uint8Array({ minLength: 1, maxLength: 32 }).map((b) =>
      Buffer.concat([ascii("<?xml version='1.0'?><params><param><value><string>"), b, ascii("</string></value></param></params>")])
    )
  ]

  it("any bytes: a value or an XmlRpcError", () => {
    fc.assert(
      fc.property(hostile(corpus, edges), (input) => {
        expect(["value", "XmlRpcError", "XmlRpcFault"]).toContain(outcome(() => decodeXmlRpc(input), [XmlRpcError, XmlRpcFault]))
      }),
      { numRuns: runs }
    )
  })
})
