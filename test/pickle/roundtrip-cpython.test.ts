/**
 * Round trips through real CPython 3.11, 3.12 and 3.13: CPython pickles test
 * values at every protocol, the codec decodes and re-encodes them at
 * protocols 2-4, and CPython loads the result and compares it (types
 * included) with what it loads from its own pickle. The transcripts' frames
 * go through the same check.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Token } from "../../src/domain/Token.ts"
import { decodePickle, encodePickle, type ProxyInfo } from "../../src/protocol/pickle/index.ts"
import { fromHex, pickleFrames, toHex } from "./fixtures.ts"
import { interpreters, runHelper } from "./python.ts"

interface Dumped {
  readonly pickles: ReadonlyArray<{ readonly name: string; readonly protocol: string; readonly hex: string }>
}
interface Checked {
  readonly checked: number
  readonly failures: ReadonlyArray<string>
}

const OUT_PROTOCOLS = [2, 3, 4] as const

/** Decodes, remembering proxies so they are written back as proxies. */
const reencode = (bytes: Uint8Array, protocol: 2 | 3 | 4): Uint8Array => {
  const proxies = new Map<Token, ProxyInfo>()
  const value = decodePickle(bytes, { onProxy: (token, info) => proxies.set(token, info) })
  return encodePickle(value, { protocol, proxyFor: (token) => proxies.get(token) })
}

describe("round trip through CPython", () => {
  for (const interpreter of interpreters) {
    it(`${interpreter.label}: values pickled at protocols 0-5 come back equal after our re-encoding at 2-4`, () => {
      const dumped = runHelper<Dumped>(interpreter, "values")
      const names = new Set(dumped.pickles.map((p) => p.name))
      // Sanity: the helper produced the whole list, at every protocol.
      expect(names.size).toBeGreaterThan(70)
      expect(new Set(dumped.pickles.map((p) => p.protocol))).toEqual(new Set(["0", "1", "2", "3", "4", "5", "fp4", "fp5"]))

      const results: Array<{ name: string; protocol: string; to: number; hex: string }> = []
      const decodeFailures: Array<string> = []
      for (const p of dumped.pickles) {
        for (const to of OUT_PROTOCOLS) {
          try {
            results.push({ name: p.name, protocol: p.protocol, to, hex: toHex(reencode(fromHex(p.hex), to)) })
          } catch (e) {
            decodeFailures.push(`${p.name} (protocol ${p.protocol} -> ${to}): ${String(e)}`)
          }
        }
      }
      expect(decodeFailures).toEqual([])
      const checked = runHelper<Checked>(interpreter, "check-values", { results })
      expect(checked.failures).toEqual([])
      expect(checked.checked).toBe(dumped.pickles.length * OUT_PROTOCOLS.length)
    })

    it(`${interpreter.label}: every transcript pickle re-encoded by us loads equal to the original`, () => {
      const frames = pickleFrames()
      expect(frames.length).toBeGreaterThan(300)
      const pairs = frames.flatMap((f) =>
        OUT_PROTOCOLS.map((to) => ({
          label: `${f.file} seq ${f.seq} (${f.step}) -> protocol ${to}`,
          original: toHex(f.payload),
          ours: toHex(reencode(f.payload, to))
        }))
      )
      const checked = runHelper<Checked>(interpreter, "check-pairs", { pairs })
      expect(checked.failures).toEqual([])
      expect(checked.checked).toBe(pairs.length)
    })
  }
})
