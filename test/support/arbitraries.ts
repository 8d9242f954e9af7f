/**
 * fast-check arbitraries for the codec property tests: mutations of valid
 * frames (shrinkable, unlike a seeded PRNG's), garbage built to hit a
 * decoder's edges (deep nesting, lengths that lie, huge strings, bad UTF-8),
 * and the values our own codec carries.
 */
import * as fc from "fast-check"
import { soak } from "./soak.ts"

/** Runs per property: small in CI, 100,000 in `npm run soak`. */
export const runs = soak ? 100_000 : 1_000

type Mutation =
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "set"; readonly at: number; readonly byte: number }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly kind: "delete"; readonly at: number; readonly n: number }
  | { readonly kind: "repeat"; readonly at: number; readonly n: number; readonly times: number }

// Bytes that mean something to msgpack, pickle or XML: lengths, containers, opcodes, '<', '&'.
const interesting = [0, 1, 0x7f, 0x80, 0xff, 0xc1, 0xc6, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0x95, 0x28, 0x2e, 0x3c, 0x26, 0x8c, 0x93]

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), byte: fc.constantFrom(...interesting) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("repeat" as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }), times: fc.integer({ min: 1, max: 64 }) })
)

const apply = (input: Uint8Array, m: Mutation): Uint8Array => {
  if (input.length === 0) return m.kind === "insert" ? m.bytes : input
  const at = m.at % input.length
  const before = input.subarray(0, at)
  switch (m.kind) {
    case "flip": {
      const out = Uint8Array.from(input)
      out[at] = out[at]! ^ (1 << m.bit)
      return out
    }
    case "set": {
      const out = Uint8Array.from(input)
      out[at] = m.byte
      return out
    }
    case "truncate":
      return input.slice(0, at)
    case "insert":
      return Buffer.concat([before, m.bytes, input.subarray(at)])
    case "delete":
      return Buffer.concat([before, input.subarray(at + m.n)])
    case "repeat": {
      const span = input.subarray(at, at + m.n)
      return Buffer.concat([input.subarray(0, at + m.n), ...Array.from({ length: m.times }, () => span), input.subarray(at + m.n)])
    }
  }
}

/** A valid input from `corpus` with one to four mutations applied. */
export const mutated = (corpus: ReadonlyArray<Uint8Array>): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([input, ms]) => ms.reduce(apply, input))

/** Bytes that open `depth` nested containers with `open` and never close them. */
export const deepNesting = (open: Uint8Array, tail: Uint8Array = new Uint8Array(0)): fc.Arbitrary<Uint8Array> =>
  fc.integer({ min: 1_000, max: 200_000 }).map((depth) => {
    const out = new Uint8Array(open.length * depth + tail.length)
    for (let i = 0; i < depth; i++) out.set(open, i * open.length)
    out.set(tail, open.length * depth)
    return out
  })

/** `prefix`, then a 32-bit big-endian length (usually a lie), then a few bytes. */
export const lyingLength = (prefix: Uint8Array, littleEndian = false): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.oneof(fc.constant(0xffffffff), fc.constant(0x7fffffff), fc.nat()), fc.uint8Array({ maxLength: 64 }))
    .map(([n, rest]) => {
      const out = new Uint8Array(prefix.length + 4 + rest.length)
      out.set(prefix)
      new DataView(out.buffer).setUint32(prefix.length, n, littleEndian)
      out.set(rest, prefix.length + 4)
      return out
    })

/** Anything at all, with mutated corpus frames and the edge cases mixed in. */
export const hostile = (corpus: ReadonlyArray<Uint8Array>, edges: ReadonlyArray<fc.Arbitrary<Uint8Array>>) =>
  fc.oneof(
    { weight: 5, arbitrary: mutated(corpus) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 512 }) },
    ...edges.map((arbitrary) => ({ weight: 1, arbitrary }))
  )

/** Values our codec carries (plain data: what a dict or a Queue holds). */
export const plainValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).filter((n) => n < -(2n ** 53n) || n > 2n ** 53n),
    // A JS -0 arrives as 0 (msgpackr writes it as an integer); Python's -0.0 keeps its sign.
    fc.double().map((x) => (Object.is(x, -0) ? 0 : x)),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== "__proto__"), tie("value"), { maxKeys: 5 })
  )
})).value
