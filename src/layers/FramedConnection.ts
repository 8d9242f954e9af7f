/**
 * A {@link Connection} over any ordered byte stream: the framing, the
 * pull-then-push reading (the handshake pulls frames one by one, the server
 * and client loops then take every frame as it arrives), and the close
 * semantics. The memory and socket transports differ only in the
 * {@link ByteStream} they give it.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { defaultMaxFrameSize, frame, FrameDecoder, FrameError, frameHeader } from "../protocol/Framing.ts"
import { type Connection, ConnectionClosed } from "../services/Transport.ts"

/** The raw stream a transport provides. @since 0.1.0 */
export interface ByteStream {
  readonly peer: string
  readonly write: (chunks: ReadonlyArray<Uint8Array>) => void
  /** Closes the stream; `onEnd` is called once it is closed. */
  readonly end: () => void
  /** Closes the stream now, without flushing (default: `end`). */
  readonly abort?: (() => void) | undefined
  readonly pause: () => void
  readonly resume: () => void
}

/** What the stream reports back. @since 0.1.0 */
export interface ByteSink {
  /** Received bytes; `transient` when the chunk's memory is reused after the call. */
  readonly onData: (chunk: Uint8Array, transient?: boolean) => void
  readonly onEnd: (cause?: unknown) => void
}

// Frames up to this size are copied behind their header and written once.
const coalesceLimit = 16 * 1024

type Resume<A, E> = (effect: Effect.Effect<A, E>) => void

/**
 * Builds a framed connection; the transport wires the returned sink to its
 * stream's events.
 *
 * @since 0.1.0
 */
export const makeFramedConnection = (
  stream: ByteStream,
  options: { readonly maxFrameSize?: number | undefined } = {}
): { readonly connection: Connection; readonly sink: ByteSink } => {
  const maxFrameSize = options.maxFrameSize ?? defaultMaxFrameSize
  const decoder = new FrameDecoder(maxFrameSize)
  let closed = false
  let endCause: unknown
  let puller: { readonly resume: Resume<Uint8Array, ConnectionClosed | FrameError>; readonly limit: number } | undefined
  let runner: { readonly resume: Resume<void, ConnectionClosed | FrameError>; readonly onFrame: (p: Uint8Array) => void } | undefined

  const closedError = () => new ConnectionClosed({ peer: stream.peer, cause: endCause })

  // After a bad frame nothing more can be read from the stream (its framing is lost):
  // reading stops, and whoever reads decides what to say before closing.
  let broken = false
  // Reasons to stop reading (too many requests in flight, a full write buffer); read again at none.
  let pauses = 0
  const fail = (error: FrameError | ConnectionClosed) => {
    const p = puller
    const r = runner
    puller = undefined
    runner = undefined
    if (error._tag === "FrameError") {
      broken = true
      stream.pause()
    } else {
      shutdown()
    }
    p?.resume(Effect.fail(error))
    r?.resume(Effect.fail(error))
  }

  const shutdown = () => {
    if (closed) return
    closed = true
    stream.end()
  }

  const drain = () => {
    if (broken) return
    try {
      if (puller !== undefined) {
        decoder.limit = puller.limit
        const payload = decoder.next()
        if (payload !== undefined) {
          const p = puller
          puller = undefined
          p.resume(Effect.succeed(payload))
        }
        return
      }
      if (runner !== undefined) {
        decoder.limit = maxFrameSize
        const onFrame = runner.onFrame
        let payload: Uint8Array | undefined
        while (runner !== undefined && (payload = decoder.next()) !== undefined) onFrame(payload)
      }
    } catch (e) {
      if (e instanceof FrameError) fail(e)
      else fail(new ConnectionClosed({ peer: stream.peer, cause: e }))
    }
  }

  const sink: ByteSink = {
    onData: (chunk, transient) => {
      if (broken) return
      decoder.push(chunk, transient)
      drain()
    },
    onEnd: (cause) => {
      closed = true
      endCause = cause
      // Frames that arrived before the end are still delivered.
      drain()
      const p = puller
      const r = runner
      puller = undefined
      runner = undefined
      p?.resume(Effect.fail(closedError()))
      if (r !== undefined) r.resume(cause === undefined ? Effect.void : Effect.fail(closedError()))
    }
  }

  const sendManyUnsafe = (payloads: ReadonlyArray<Uint8Array>) => {
    if (closed) return
    const chunks: Array<Uint8Array> = []
    for (const p of payloads) {
      if (p.length <= coalesceLimit) chunks.push(frame(p))
      else chunks.push(frameHeader(p.length), p)
    }
    stream.write(chunks)
  }

  const sendPartsUnsafe = (parts: ReadonlyArray<Uint8Array>) => {
    if (parts.length === 1) return sendManyUnsafe(parts)
    if (closed) return
    let total = 0
    for (const p of parts) total += p.length
    stream.write([frameHeader(total), ...parts])
  }

  const connection: Connection = {
    peer: stream.peer,
    isClosed: () => closed,
    sendUnsafe: (payload) => sendManyUnsafe([payload]),
    sendManyUnsafe,
    sendPartsUnsafe,
    receive: (limit = maxFrameSize) =>
      Effect.callback<Uint8Array, ConnectionClosed | FrameError>((resume) => {
        if (puller !== undefined || runner !== undefined) {
          resume(Effect.die(new Error("a connection has one reader at a time")))
          return
        }
        if (broken) {
          resume(Effect.fail(closedError()))
          return
        }
        puller = { resume, limit }
        drain()
        if (puller !== undefined && closed) {
          puller = undefined
          resume(Effect.fail(closedError()))
        }
        return Effect.sync(() => {
          puller = undefined
        })
      }),
    run: (onFrame) =>
      Effect.callback<void, ConnectionClosed | FrameError>((resume) => {
        if (puller !== undefined || runner !== undefined) {
          resume(Effect.die(new Error("a connection has one reader at a time")))
          return
        }
        if (broken) {
          resume(Effect.fail(closedError()))
          return
        }
        runner = { resume, onFrame }
        drain()
        if (runner !== undefined && closed) {
          runner = undefined
          resume(endCause === undefined ? Effect.void : Effect.fail(closedError()))
        }
        return Effect.sync(() => {
          runner = undefined
        })
      }),
    pause: () => {
      if (pauses++ === 0) stream.pause()
    },
    resume: () => {
      if (pauses > 0 && --pauses === 0 && !broken) stream.resume()
    },
    close: Effect.sync(shutdown),
    abort: Effect.sync(() => {
      if (closed) return
      closed = true
      ;(stream.abort ?? stream.end)()
    })
  }
  return { connection, sink }
}
