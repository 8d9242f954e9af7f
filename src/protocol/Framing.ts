/**
 * CPython's framing: a 4-byte big-endian signed length, then the payload; a
 * payload above 2^31-1 bytes uses `ff ff ff ff` and an 8-byte length. The
 * reader checks every length against a cap before it allocates anything.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** The default cap on a frame's payload: 64 MiB. @since 0.1.0 */
export const defaultMaxFrameSize = 64 * 1024 * 1024

/** The cap on a handshake frame, as CPython's `recv_bytes(256)`. @since 0.1.0 */
export const handshakeMaxFrameSize = 256

/**
 * A frame whose declared length is over the cap, or a malformed header.
 *
 * @category errors
 * @since 0.1.0
 */
export class FrameError extends Data.TaggedError("FrameError")<{
  readonly reason: "too-large" | "malformed"
  readonly length: number
  readonly limit: number
}> {
  override get message(): string {
    return this.reason === "too-large"
      ? `frame of ${this.length} bytes is over the limit of ${this.limit} bytes`
      : "malformed frame header"
  }
}

/** The header for a payload of `length` bytes. @since 0.1.0 */
export const frameHeader = (length: number): Uint8Array => {
  if (length <= 0x7fffffff) {
    const h = new Uint8Array(4)
    new DataView(h.buffer).setInt32(0, length)
    return h
  }
  const h = new Uint8Array(12)
  const view = new DataView(h.buffer)
  view.setInt32(0, -1)
  view.setBigUint64(4, BigInt(length))
  return h
}

/**
 * Header and payload in one buffer, for small payloads where one write beats
 * two (CPython does the same up to 16 KiB).
 *
 * @since 0.1.0
 */
export const frame = (payload: Uint8Array): Uint8Array => {
  const n = payload.length
  // A pooled Buffer: cheaper to allocate than a fresh Uint8Array, and sockets take it as is.
  const out = Buffer.allocUnsafe(4 + n)
  // Byte by byte: a DataView per frame costs more than the copy.
  out[0] = n >>> 24
  out[1] = (n >>> 16) & 0xff
  out[2] = (n >>> 8) & 0xff
  out[3] = n & 0xff
  out.set(payload, 4)
  return out
}

/**
 * An incremental frame reader: feed it chunks as they arrive and take whole
 * payloads out one at a time. A header is read only when the next frame is
 * asked for, with the limit in force then, so the handshake (256 bytes) and
 * the frames after it (the connection's cap) can arrive in one chunk.
 *
 * @since 0.1.0
 */
export class FrameDecoder {
  limit: number
  private chunks: Array<Uint8Array> = []
  private chunkBytes = 0
  // The frame being assembled once its header passed the cap.
  private body: Uint8Array | undefined
  private bodyFilled = 0

  constructor(limit: number = defaultMaxFrameSize) {
    this.limit = limit
  }

  /** Bytes received and not yet taken as part of a whole frame. */
  get buffered(): number {
    return this.chunkBytes + this.bodyFilled
  }

  /**
   * Adds received bytes. The chunk must not be modified afterwards, unless
   * it is `transient` (a read buffer about to be reused): then what is kept
   * of it is copied.
   */
  push(chunk: Uint8Array, transient = false): void {
    if (chunk.length === 0) return
    if (this.body !== undefined) {
      const take = Math.min(this.body.length - this.bodyFilled, chunk.length)
      this.body.set(chunk.subarray(0, take), this.bodyFilled)
      this.bodyFilled += take
      chunk = chunk.subarray(take)
      if (chunk.length === 0) return
    }
    this.chunks.push(transient ? Uint8Array.prototype.slice.call(chunk) : chunk)
    this.chunkBytes += chunk.length
  }

  /**
   * The next whole payload, or undefined until more bytes arrive.
   *
   * @throws FrameError for a length over the limit or a malformed header.
   */
  next(): Uint8Array | undefined {
    if (this.body !== undefined) {
      if (this.bodyFilled < this.body.length) return undefined
      const done = this.body
      this.body = undefined
      this.bodyFilled = 0
      return done
    }
    if (this.chunkBytes < 4) return undefined
    const head = this.contiguous(Math.min(this.chunkBytes, 12))
    let length = (head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!
    let headerLength = 4
    if (length === -1) {
      if (head.length < 12) return undefined
      const long = new DataView(head.buffer, head.byteOffset, head.byteLength).getBigUint64(4)
      if (long > BigInt(this.limit)) throw new FrameError({ reason: "too-large", length: Number(long), limit: this.limit })
      length = Number(long)
      headerLength = 12
    } else if (length < 0) {
      throw new FrameError({ reason: "malformed", length, limit: this.limit })
    }
    if (length > this.limit) throw new FrameError({ reason: "too-large", length, limit: this.limit })
    const first = this.chunks[0]!
    if (first.length >= headerLength + length) {
      // The common case: the whole frame sits in one chunk; hand out a view, no copy.
      const payload = first.subarray(headerLength, headerLength + length)
      this.consume(headerLength + length)
      return payload
    }
    this.consume(headerLength)
    if (this.chunkBytes >= length) {
      const payload = Uint8Array.prototype.slice.call(this.contiguous(length), 0, length)
      this.consume(length)
      return payload
    }
    // The rest is still on the way: allocate the frame now that its length passed the cap
    // (unfilled: every byte of it is about to be written).
    this.body = Buffer.allocUnsafe(length)
    for (const c of this.chunks) {
      this.body.set(c, this.bodyFilled)
      this.bodyFilled += c.length
    }
    this.chunks = []
    this.chunkBytes = 0
    return undefined
  }

  // The first n buffered bytes as one array (merging chunks when needed).
  private contiguous(n: number): Uint8Array {
    const first = this.chunks[0]!
    if (first.length >= n) return first
    const merged = new Uint8Array(this.chunkBytes)
    let offset = 0
    for (const c of this.chunks) {
      merged.set(c, offset)
      offset += c.length
    }
    this.chunks = [merged]
    return merged
  }

  private consume(n: number): void {
    this.chunkBytes -= n
    while (n > 0) {
      const first = this.chunks[0]!
      if (first.length <= n) {
        this.chunks.shift()
        n -= first.length
      } else {
        this.chunks[0] = first.subarray(n)
        n = 0
      }
    }
  }
}
