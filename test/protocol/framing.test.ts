/**
 * CPython's framing: short and long length headers, any chunking, and the
 * cap checked before anything is allocated.
 */
import { describe, expect, it } from "@effect/vitest"
import { frame, FrameDecoder, FrameError, frameHeader } from "../../src/protocol/Framing.ts"

const concat = (parts: ReadonlyArray<Uint8Array>) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

const drain = (d: FrameDecoder) => {
  const out: Array<Uint8Array> = []
  for (let f = d.next(); f !== undefined; f = d.next()) out.push(f)
  return out
}

describe("framing", () => {
  it("frames survive every way of cutting the stream into chunks", () => {
    const payloads = [new Uint8Array(), new Uint8Array([1]), new Uint8Array(300).fill(7), new Uint8Array(70_000).fill(9)]
    const stream = concat(payloads.map(frame))
    for (const size of [1, 2, 3, 5, 7, 64, 1000, 65_536, stream.length]) {
      const d = new FrameDecoder()
      const got: Array<Uint8Array> = []
      for (let i = 0; i < stream.length; i += size) {
        d.push(stream.slice(i, i + size))
        got.push(...drain(d))
      }
      expect(got.map((p) => p.length)).toEqual(payloads.map((p) => p.length))
      expect(Buffer.from(got[2]!).equals(Buffer.from(payloads[2]!))).toBe(true)
      expect(d.buffered).toBe(0)
    }
  })

  it("the long form header is written above 2^31-1 and read back", () => {
    expect([...frameHeader(5)]).toEqual([0, 0, 0, 5])
    const long = frameHeader(2 ** 31)
    expect(long.length).toBe(12)
    expect([...long.subarray(0, 4)]).toEqual([0xff, 0xff, 0xff, 0xff])
    const d = new FrameDecoder(2 ** 32)
    d.push(concat([new Uint8Array([0xff, 0xff, 0xff, 0xff]), new Uint8Array(new BigUint64Array([0n]).buffer).reverse()]))
    expect(d.next()).toEqual(new Uint8Array())
  })

  it("a length over the cap fails before any allocation, a negative length is malformed", () => {
    const d = new FrameDecoder(1024)
    d.push(frameHeader(1025))
    expect(() => d.next()).toThrow(FrameError)
    const huge = new FrameDecoder(1024)
    huge.push(frameHeader(2 ** 40))
    expect(() => huge.next()).toThrow(/over the limit/)
    const bad = new FrameDecoder()
    bad.push(new Uint8Array([0x80, 0, 0, 1]))
    expect(() => bad.next()).toThrow(/malformed/)
  })

  it("a handshake-sized limit applies only to the frame read under it", () => {
    const d = new FrameDecoder(256)
    d.push(concat([frame(new Uint8Array(9)), frame(new Uint8Array(1000))]))
    expect(d.next()?.length).toBe(9)
    expect(() => d.next()).toThrow(FrameError)
    const e = new FrameDecoder(256)
    e.push(concat([frame(new Uint8Array(9)), frame(new Uint8Array(1000))]))
    expect(e.next()?.length).toBe(9)
    e.limit = 64 * 1024 * 1024
    expect(e.next()?.length).toBe(1000)
  })
})
