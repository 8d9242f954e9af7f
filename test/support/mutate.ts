/**
 * Seeded byte mutations for fuzzing: flips, truncations, insertions,
 * deletions, duplications, and lengths that lie, over a corpus of valid
 * inputs. Deterministic for a seed, so a failure can be replayed.
 */

/** A small, fast, seeded PRNG (mulberry32). */
export const prng = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const interesting = [0, 1, 0x7f, 0x80, 0xff, 0xc1, 0xdc, 0xdd, 0xde, 0xdf, 0xc6, 0x95, 0x28, 0x2e, 0x3c, 0x26]

/** One mutated copy of `input`. */
export const mutate = (input: Uint8Array, random: () => number): Uint8Array => {
  let b = Uint8Array.from(input)
  const rounds = 1 + Math.floor(random() * 4)
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(random() * Math.max(1, b.length))
    switch (Math.floor(random() * 8)) {
      case 0: // flip a bit
        if (b.length > 0) b[at] = b[at]! ^ (1 << Math.floor(random() * 8))
        break
      case 1: // an interesting byte
        if (b.length > 0) b[at] = interesting[Math.floor(random() * interesting.length)]!
        break
      case 2: // truncate
        b = b.subarray(0, at)
        break
      case 3: { // insert random bytes
        const n = 1 + Math.floor(random() * 16)
        const ins = Uint8Array.from({ length: n }, () => Math.floor(random() * 256))
        const out = new Uint8Array(b.length + n)
        out.set(b.subarray(0, at))
        out.set(ins, at)
        out.set(b.subarray(at), at + n)
        b = out
        break
      }
      case 4: { // delete a span
        const n = Math.min(b.length - at, 1 + Math.floor(random() * 8))
        const out = new Uint8Array(b.length - n)
        out.set(b.subarray(0, at))
        out.set(b.subarray(at + n), at)
        b = out
        break
      }
      case 5: { // duplicate a span (deep nesting, repeated opcodes)
        const n = Math.min(b.length - at, 1 + Math.floor(random() * 32))
        const times = 1 + Math.floor(random() * 64)
        const span = b.subarray(at, at + n)
        const out = new Uint8Array(b.length + n * times)
        out.set(b.subarray(0, at + n))
        for (let t = 1; t <= times; t++) out.set(span, at + n * t)
        out.set(b.subarray(at + n), at + n * (times + 1))
        b = out
        break
      }
      case 6: // a length that lies: four bytes of 0xff or a big number
        if (b.length >= at + 4) b.set([0x7f, 0xff, 0xff, Math.floor(random() * 256)], at)
        break
      default: // random bytes throughout
        for (let i = 0; i < b.length; i += 1 + Math.floor(random() * 32)) b[i] = Math.floor(random() * 256)
    }
  }
  return b
}

/** Random bytes of a random length up to `max`. */
export const randomBytes = (random: () => number, max: number): Uint8Array =>
  Uint8Array.from({ length: Math.floor(random() * max) }, () => Math.floor(random() * 256))
