/**
 * The decoder against captured CPython 3.11 and 3.13 manager traffic: every
 * pickle frame decodes, each decoded value prints (in Python's repr) as the
 * capture's .summary.txt shows it, and the values that matter to the
 * protocol (requests, replies, errors, tokens, proxies) have the expected
 * JS shapes.
 */
import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { KeyError, StopIteration, ValueError } from "../../src/domain/PythonErrors.ts"
import { Token } from "../../src/domain/Token.ts"
import { repr } from "../../src/domain/values/Equality.ts"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { ByteArray, PyFloat, Slice } from "../../src/domain/values/PyObjects.ts"
import { FrozenSet, PySet } from "../../src/domain/values/PySet.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import { decodePickle, type ProxyInfo } from "../../src/protocol/pickle/index.ts"
import { exceptionGlobalOf, isPythonError } from "../../src/protocol/pickle/Exceptions.ts"
import { type Frame, pickleFrames, readTranscript, transcriptDir, transcriptFiles } from "./fixtures.ts"

const T = (...items: Array<unknown>): Tuple => Tuple.of<unknown>(...items)

/** The capture tool shortened interpreter paths in the summaries; do the same to ours. */
const anonymize = (text: string): string => text.replace(/\/opt\/cpython\/versions\/(\d+\.\d+\.\d+)/g, "<python-$1>")

/** Python's repr of a decoded value, as the .summary.txt files print it. */
const pyRepr = (u: unknown): string => {
  if (u instanceof Token) {
    const [, host, port] = /^tcp:(.*):(\d+)$/.exec(u.address) ?? []
    const address = host !== undefined ? `(${pyRepr(host)}, ${port})` : pyRepr(u.address.replace(/^unix:/, ""))
    return `Token(typeid=${pyRepr(u.typeid)}, address=${address}, id=${pyRepr(u.id)})`
  }
  if (isPythonError(u)) {
    const [, name, args] = exceptionGlobalOf(u)
    return `${name}(${args.map(pyRepr).join(", ")})`
  }
  if (u instanceof Tuple) return u.length === 1 ? `(${pyRepr(u[0])},)` : `(${u.map(pyRepr).join(", ")})`
  if (Array.isArray(u)) return `[${u.map(pyRepr).join(", ")}]`
  if (u instanceof Map) return `{${[...u].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(", ")}}`
  if (u instanceof FrozenSet) return `frozenset({${[...u].map(pyRepr).join(", ")}})`
  if (u instanceof Set) return u.size === 0 ? "set()" : `{${[...u].map(pyRepr).join(", ")}}`
  if (u instanceof Slice) return `slice(${pyRepr(u.start)}, ${pyRepr(u.stop)}, ${pyRepr(u.step)})`
  return repr(u)
}

/** The `pickle(proto N) <repr>` texts of a summary file, in frame order. */
const summaryReprs = (jsonl: string): Array<string> =>
  readFileSync(join(transcriptDir, jsonl.replace(/\.jsonl$/, ".summary.txt")), "utf8")
    .split("\n")
    .flatMap((line) => {
      const m = /pickle\(proto \d\) (.*)$/.exec(line)
      return m ? [m[1]!] : []
    })

const decodeFrame = (f: Frame): unknown => decodePickle(f.payload)

const stepFrames = (file: string, step: string): Array<Frame> =>
  readTranscript(file).filter((f) => f.afterHandshake && f.step.startsWith(step))

describe("CPython transcripts", () => {
  it("has the captures the tests rely on", () => {
    expect(transcriptFiles()).toEqual([
      "hs_client311_server313.jsonl",
      "hs_client313_server311.jsonl",
      "hs_client313_server313.jsonl",
      "py311_full.jsonl",
      "py313_full.jsonl"
    ])
  })

  it("selects as pickles exactly the frames the capture marks as pickles", () => {
    for (const file of transcriptFiles()) {
      const frames = readTranscript(file)
      const selected = frames.filter((f) => f.afterHandshake && f.payload[0] === 0x80).map((f) => f.seq)
      expect(selected).toEqual(frames.filter((f) => f.kind === "pickle").map((f) => f.seq))
    }
    // A handshake digest can start with 0x80; it must not be taken for a pickle.
    expect(transcriptFiles().flatMap(readTranscript).some((f) => !f.afterHandshake && f.payload[0] === 0x80)).toBe(true)
  })

  it("decodes every pickle frame of every capture", () => {
    const frames = pickleFrames()
    expect(frames.length).toBe(161 * 2 + 2 * 3)
    for (const f of frames) expect(() => decodeFrame(f), `${f.file} seq ${f.seq}`).not.toThrow()
  })

  for (const file of transcriptFiles()) {
    it(`${file}: every decoded frame prints as the summary shows it`, () => {
      const frames = readTranscript(file).filter((f) => f.kind === "pickle")
      const texts = summaryReprs(file)
      expect(texts.length).toBe(frames.length)
      let compared = 0
      frames.forEach((f, i) => {
        const text = texts[i]!
        // Proxies decode to their Token, so they print differently by design (checked below).
        if (text.includes("RebuildProxy")) return
        const ours = anonymize(pyRepr(decodeFrame(f)))
        if (text.endsWith("...")) expect(ours.startsWith(text.slice(0, -3)), `seq ${f.seq}: ${ours}`).toBe(true)
        else expect(ours, `seq ${f.seq}`).toBe(text)
        compared++
      })
      expect(compared).toBeGreaterThan(frames.length - 5)
    })
  }

  for (const file of ["py311_full.jsonl", "py313_full.jsonl"]) {
    describe(file, () => {
      it("decodes control requests and the create reply", () => {
        const [req, reply] = stepFrames(file, "d = m.dict()").map(decodeFrame)
        expect(req).toBeInstanceOf(Tuple)
        expect(req).toEqual(T(null, "create", T("dict"), new PyDict()))
        const [kind, ret] = reply as Tuple
        expect(kind).toBe("#RETURN")
        const [ident, exposed] = ret as Tuple
        expect(ident).toMatch(/^[0-9a-f]+$/)
        expect(exposed).toBeInstanceOf(Tuple)
        expect(exposed).toContain("__getitem__")
        expect((exposed as Tuple).filter((n) => n === "__iter__")).toHaveLength(2)
        const [dummy, dummyReply] = stepFrames(file, "m.connect()").map(decodeFrame)
        expect(dummy).toEqual(T(null, "dummy", new Tuple(), new PyDict()))
        expect(dummyReply).toEqual(T("#RETURN", null))
      })

      it("decodes KeyError, StopIteration and ValueError replies as the mirrored error classes", () => {
        const keyError = (stepFrames(file, "d['missing']").map(decodeFrame)[1] as Tuple)
        expect(keyError[0]).toBe("#ERROR")
        expect(keyError[1]).toBeInstanceOf(KeyError)
        expect((keyError[1] as KeyError).args).toEqual(["missing"])
        const stop = stepFrames(file, "next(it) x2").map(decodeFrame).at(-1) as Tuple
        expect(stop[1]).toBeInstanceOf(StopIteration)
        expect((stop[1] as StopIteration).args).toEqual([])
        const boom = stepFrames(file, "t.boom()").map(decodeFrame)[1] as Tuple
        expect(boom[1]).toBeInstanceOf(ValueError)
        expect((boom[1] as ValueError).message).toBe("boom from server")
      })

      it("decodes the many-types value with the right JS types", () => {
        const [, , args] = stepFrames(file, "d['vals'] = many").map(decodeFrame)[0] as Tuple
        const vals = (args as Tuple)[1] as Tuple
        expect(vals).toBeInstanceOf(Tuple)
        expect(vals.slice(0, 8)).toEqual([null, true, false, 0, 255, 65535, -1, 2147483648])
        expect(vals[8]).toBe(9223372036854775808n)
        expect(vals[9]).toBe(-1180591620717411303424n)
        expect(vals[10]).toBe(1.5)
        expect(vals.slice(11, 13)).toEqual(["ascii", "hé€😀"])
        expect(vals[13]).toBeInstanceOf(Uint8Array)
        expect(vals[13]).not.toBeInstanceOf(ByteArray)
        expect([...(vals[13] as Uint8Array)]).toEqual([0, 255, ...Buffer.from("bytes")])
        expect(vals[14]).toBeInstanceOf(ByteArray)
        expect(Buffer.from(vals[14] as Uint8Array).toString()).toBe("ba")
        expect(Array.isArray(vals[15]) && !(vals[15] instanceof Tuple)).toBe(true)
        expect(vals[15]).toEqual([1, 2])
        const dict = vals[16] as PyDict
        expect(dict).toBeInstanceOf(PyDict)
        expect([...dict]).toEqual([["a", 1], [2, "b"]])
        expect(vals[17]).toBeInstanceOf(PySet)
        expect(vals[17]).not.toBeInstanceOf(FrozenSet)
        expect([...(vals[17] as PySet)]).toEqual([1, 2])
        expect(vals[18]).toBeInstanceOf(FrozenSet)
        expect([...(vals[18] as FrozenSet)]).toEqual([3])
        expect(vals.slice(19)).toEqual([new Tuple(), T(1), T(1, 2, 3, 4)])
        expect(vals.slice(19).every((t) => t instanceof Tuple)).toBe(true)
      })

      it("decodes #PROXY replies and Tokens with their address as a string", () => {
        const reply = stepFrames(file, "it = iter(d)").map(decodeFrame)[1] as Tuple
        expect(reply[0]).toBe("#PROXY")
        const [exposed, token] = reply[1] as Tuple
        expect(exposed).toEqual(T("__next__", "send", "throw", "close"))
        expect(token).toBeInstanceOf(Token)
        expect((token as Token).typeid).toBe("Iterator")
        expect((token as Token).address).toMatch(/^tcp:127\.0\.0\.1:\d+$/)
        const [, method, args] = stepFrames(file, "control requests").map(decodeFrame)[0] as Tuple
        expect(method).toBe("get_methods")
        expect((args as Tuple)[0]).toBeInstanceOf(Token)
        expect(((args as Tuple)[0] as Token).typeid).toBe("dict")
      })

      it("decodes nested proxies (RebuildProxy) to their Token and reports the proxy class", () => {
        const proxies: Array<[Token, ProxyInfo]> = []
        const onProxy = (token: Token, info: ProxyInfo) => proxies.push([token, info])
        const sent = stepFrames(file, "inner = m.list([1])").filter((f) => f.payload.includes(0x52))
        const setitem = sent.map((f) => decodePickle(f.payload, { onProxy })).find(
          (v) => (v as Tuple)[1] === "__setitem__"
        ) as Tuple
        const [key, proxy] = setitem[2] as Tuple
        expect(key).toBe("inner")
        expect(proxy).toBeInstanceOf(Token)
        expect((proxy as Token).typeid).toBe("list")
        expect(proxies).toEqual([[proxy, { proxyClass: "ListProxy" }]])
        const returned = decodePickle(stepFrames(file, "x = d['inner']")[1]!.payload, { onProxy }) as Tuple
        expect(returned[0]).toBe("#RETURN")
        expect(returned[1]).toEqual(proxy)
        expect(proxies).toHaveLength(2)
      })

      it("decodes #GETVALUE, Queue items, kwargs, slices, Value and Namespace creation", () => {
        const value = (stepFrames(file, "d._getvalue()").map(decodeFrame)[1] as Tuple)[1] as PyDict
        expect(value).toBeInstanceOf(PyDict)
        expect(value.get("k")).toBe("v")
        expect(value.get("vals")).toBeInstanceOf(Tuple)
        const other = stepFrames(file, "other typeids").map(decodeFrame) as Array<Tuple>
        const find = (method: string) => other.find((t) => t[1] === method)!
        expect(find("put")[2]).toEqual(T(T("job", 1)))
        const get = find("get")
        expect(get[3]).toBeInstanceOf(PyDict)
        expect([...(get[3] as PyDict)]).toEqual([["timeout", 1]])
        expect(other).toContainEqual(T("#RETURN", T("job", 1)))
        expect(find("create")).toEqual(T(null, "create", T("Queue"), new PyDict()))
        expect(other).toContainEqual(T(null, "create", T("Value", "i", 7), new PyDict()))
        const namespace = other.find((t) => t[1] === "create" && (t[2] as Tuple)[0] === "Namespace")!
        expect([...(namespace[3] as PyDict)]).toEqual([["a", 1]])
        const slice = (find("__getitem__")[2] as Tuple)[0]
        expect(slice).toBeInstanceOf(Slice)
        expect(slice).toEqual(new Slice(null, null, null))
        const wait = find("wait")
        expect((wait[2] as Tuple)[0]).toBe(0.1)
        expect((wait[2] as Tuple)[0]).not.toBeInstanceOf(PyFloat)
      })

      it("decodes #TRACEBACK and #UNSERIALIZABLE replies as strings", () => {
        const traceback = stepFrames(file, "d._callmethod('nonexistent')").map(decodeFrame)[1] as Tuple
        expect(traceback[0]).toBe("#TRACEBACK")
        expect(traceback[1]).toMatch(/^Traceback \(most recent call last\):/)
        const unserializable = stepFrames(file, "t.bad()").map(decodeFrame)[1] as Tuple
        expect(unserializable[0]).toBe("#UNSERIALIZABLE")
        expect(unserializable[1]).toContain("Traceback")
      })
    })
  }
})
