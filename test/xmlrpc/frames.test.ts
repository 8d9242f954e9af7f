/**
 * The frames of CPython's managers with serializer='xmlrpclib': the request
 * and reply shapes of managers.py written by xmlrpc.client.dumps, and every
 * frame of a live CPython manager session (client and server side), decode
 * to the expected values and re-encode byte for byte.
 */
import { describe as group, expect, it } from "@effect/vitest"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { decodeXmlRpc, encodeXmlRpc } from "../../src/protocol/xmlrpc/index.ts"
import { describe, fromHex, interpreters, runHelper, toHex } from "./support.ts"

interface Frames {
  readonly frames: ReadonlyArray<{ readonly label: string; readonly hex: string }>
}

/** What each synthetic frame decodes to: tuples arrive as arrays, dicts as PyDicts. */
const expected: Readonly<Record<string, unknown>> = {
  "dummy request": [null, "dummy", [], new PyDict()],
  "create request": [null, "create", ["get_queue"], new PyDict()],
  "put request": ["7f3a9c2b1d40", "put", [["hello", null, true, 2.25]], new PyDict()],
  "return None": ["#RETURN", null],
  "create reply": ["#RETURN", ["7f3a", ["get", "put"]]],
  "traceback reply": ["#TRACEBACK", "text"]
}

group("manager frames with serializer='xmlrpclib'", () => {
  for (const interpreter of interpreters) {
    it(`${interpreter.label}: request and reply frames decode to the expected values and re-encode byte for byte`, () => {
      const { frames } = runHelper<Frames>(interpreter, "frames")
      const synthetic = frames.filter((f) => !f.label.startsWith("live"))
      const live = frames.filter((f) => f.label.startsWith("live"))
      expect(synthetic.map((f) => f.label)).toEqual(Object.keys(expected))
      for (const frame of synthetic) {
        const value = decodeXmlRpc(fromHex(frame.hex))
        expect(describe(value), frame.label).toEqual(describe(expected[frame.label]))
        expect(toHex(encodeXmlRpc(expected[frame.label])), frame.label).toBe(frame.hex)
        expect(toHex(encodeXmlRpc(value)), frame.label).toBe(frame.hex)
      }
      // The live session: dummy, create, incref, decref, accept_connection, put, get, qsize, an error and a traceback.
      expect(live.length).toBeGreaterThanOrEqual(20)
      const methods = new Set<unknown>()
      const kinds = new Set<unknown>()
      for (const frame of live) {
        const value = decodeXmlRpc(fromHex(frame.hex)) as ReadonlyArray<unknown>
        expect(Array.isArray(value), frame.label).toBe(true)
        if (value.length === 4) methods.add(value[1])
        else kinds.add(value[0])
        expect(toHex(encodeXmlRpc(value)), frame.label).toBe(frame.hex)
      }
      expect([...methods]).toEqual(expect.arrayContaining(["dummy", "create", "incref", "put", "get", "qsize", "get_nowait", "decref"]))
      expect([...kinds].sort()).toEqual(["#ERROR", "#RETURN", "#TRACEBACK"])
    })
  }

  it("the reply to a failed call carries the exception as the empty struct CPython writes for it", () => {
    const frame = "<params>\n<param>\n<value><array><data>\n<value><string>#ERROR</string></value>\n" +
      "<value><struct>\n</struct></value>\n</data></array></value>\n</param>\n</params>\n"
    const value = decodeXmlRpc(new TextEncoder().encode(frame)) as ReadonlyArray<unknown>
    expect(value[0]).toBe("#ERROR")
    expect(value[1]).toBeInstanceOf(PyDict)
    expect((value[1] as PyDict).size).toBe(0)
  })
})
