/**
 * A linear check that a MessagePack frame's claimed sizes fit its bytes,
 * run before msgpackr sees the frame.
 *
 * msgpackr allocates an array of the claimed length before reading its
 * elements (`new Array(n)`, up to 2^25 slots, 256 MiB, from a 5-byte header),
 * and nested headers each allocate again: a few dozen bytes could exhaust the
 * heap. Every element of every array or map is a distinct value, and a value
 * starts at a token of its own, so in any well-formed frame the counts claimed
 * by all headers together are at most the number of tokens. Checking that bound
 * caps what msgpackr can allocate at a few bytes per byte received.
 *
 * The scan visits the same token starts msgpackr does: records, extensions
 * that wrap a value (`fixext1` with a filler byte) and record definitions all
 * begin with headers whose length the scan knows.
 *
 * @since 0.1.0
 */

/** Bytes after the token byte that a fixed-size token carries, by token (-1: sized or container). */
const fixedTail = (token: number): number => {
  if (token < 0xc0) return token >= 0xa0 ? token - 0xa0 : 0 // fixint, fixmap, fixarray (counted apart), fixstr
  if (token >= 0xe0) return 0 // negative fixint
  switch (token) {
    case 0xc0: case 0xc2: case 0xc3: return 0
    case 0xcc: case 0xd0: return 1
    case 0xcd: case 0xd1: return 2
    case 0xca: case 0xce: case 0xd2: return 4
    case 0xcb: case 0xcf: case 0xd3: return 8
    case 0xd4: return 2 // fixext 1: type and one byte
    case 0xd5: return 3
    case 0xd6: return 5
    case 0xd7: return 9
    case 0xd8: return 17
    default: return -1
  }
}

/**
 * Why the frame cannot be a well-formed MessagePack value, or `undefined` when
 * its sizes are consistent (msgpackr still checks everything else).
 *
 * @example
 * ```ts
 * import { checkBounds } from "./MsgpackBounds.ts"
 *
 * checkBounds(Uint8Array.of(0x92, 0x01, 0x02)) // undefined
 * checkBounds(Uint8Array.of(0xdd, 0x01, 0xff, 0xff, 0xff)) // "claims 33554431 elements in 1 tokens"
 * ```
 *
 * @since 0.1.0
 */
export const checkBounds = (bytes: Uint8Array): string | undefined => {
  const r = scanBounds(bytes)
  return typeof r === "string" ? r : undefined
}

/**
 * The same check, and how many values of the extension type `extType` the
 * frame holds (a cheap "are there tokens in it?"): a number when its sizes
 * are consistent, else why not.
 *
 * @since 0.1.0
 */
export const scanBounds = (bytes: Uint8Array, extType = -1): string | number => {
  const end = bytes.length
  let at = 0
  let tokens = 0
  let claimed = 0
  let found = 0
  const u16 = (i: number) => (bytes[i]! << 8) | bytes[i + 1]!
  const u32 = (i: number) => ((bytes[i]! << 24) >>> 0) + ((bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!)
  while (at < end) {
    const token = bytes[at]!
    tokens++
    let size: number // header bytes after the token, then a payload of `payload` bytes
    let payload = 0
    if (token >= 0x80 && token <= 0x9f) {
      claimed += token < 0x90 ? 2 * (token - 0x80) : token - 0x90
      size = 0
    } else {
      size = fixedTail(token)
      if (size < 0) {
        // The width of the length or count that follows; an ext also has its type byte.
        let width: 1 | 2 | 4
        switch (token) {
          case 0xc4: case 0xc7: case 0xd9: width = 1; break
          case 0xc5: case 0xc8: case 0xda: case 0xdc: case 0xde: width = 2; break
          case 0xc6: case 0xc9: case 0xdb: case 0xdd: case 0xdf: width = 4; break
          default: return `unknown token 0x${token.toString(16)} at ${at}`
        }
        size = width + (token >= 0xc7 && token <= 0xc9 ? 1 : 0)
        if (at + 1 + size > end) return `truncated header at ${at}`
        const n = width === 1 ? bytes[at + 1]! : width === 2 ? u16(at + 1) : u32(at + 1)
        if (token === 0xdc || token === 0xdd) claimed += n
        else if (token === 0xde || token === 0xdf) claimed += 2 * n
        else payload = n
      }
    }
    // An extension that wraps a value is a one-byte tag (fixext 1) before it.
    if (token === 0xd4 && bytes[at + 1] === extType) found++
    at += 1 + size + payload
    if (at > end) return `a length at ${at - size - payload - 1} runs past the frame`
  }
  return claimed > tokens ? `claims ${claimed} elements in ${tokens} tokens` : found
}
