/**
 * How managers and their clients reach each other: listen on an address and
 * connect to one, giving connections that carry frames (CPython's length
 * prefix). A Transport moves bytes and frames them; it knows nothing of
 * messages, authentication or dialects.
 *
 * Layers: `MemoryTransport` (one process, same framing as the sockets),
 * `NodeTransport` (Unix sockets and TCP, with optional TLS).
 *
 * @since 0.1.0
 */
import type { Effect, Scope } from "effect"
import { Context, Data } from "effect"
import type { FrameError } from "../protocol/Framing.ts"

/**
 * A transport-level failure: an address it cannot use, a listen or connect
 * that failed.
 *
 * @category errors
 * @since 0.1.0
 */
export class TransportError extends Data.TaggedError("TransportError")<{
  readonly reason: "address" | "listen" | "connect"
  readonly address: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const detail = this.cause instanceof Error ? `: ${this.cause.message}` : ""
    return `cannot ${this.reason === "address" ? "use address" : this.reason} ${this.address}${detail}`
  }
}

/**
 * The connection is closed: by the peer, by us, or by a network failure.
 *
 * @category errors
 * @since 0.1.0
 */
export class ConnectionClosed extends Data.TaggedError("ConnectionClosed")<{
  readonly peer: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `connection to ${this.peer} is closed`
  }
}

/**
 * One end of a connection, carrying frames in order.
 *
 * @category models
 * @since 0.1.0
 */
export interface Connection {
  /** Who is at the other end, for logs and debug info. */
  readonly peer: string
  /** True once closed, by either side. */
  readonly isClosed: () => boolean
  /** Queues a frame; frames go out in the order queued. A no-op once closed. */
  readonly sendUnsafe: (payload: Uint8Array) => void
  /** Queues several frames at once, written together. */
  readonly sendManyUnsafe: (payloads: ReadonlyArray<Uint8Array>) => void
  /** Queues one frame whose payload is these parts, in order, without joining them. */
  readonly sendPartsUnsafe: (parts: ReadonlyArray<Uint8Array>) => void
  /** Reads the next frame, of at most `limit` bytes (default: the connection's cap). */
  readonly receive: (limit?: number) => Effect.Effect<Uint8Array, ConnectionClosed | FrameError>
  /**
   * Hands every later frame to `onFrame`, synchronously, in order, until the
   * connection closes; succeeds when the peer closes cleanly. Frames are
   * checked against the connection's cap.
   */
  readonly run: (onFrame: (payload: Uint8Array) => void) => Effect.Effect<void, ConnectionClosed | FrameError>
  /** Stops reading from the peer (backpressure) until `resume`. */
  readonly pause: () => void
  readonly resume: () => void
  /** Closes after what was queued has been written (a graceful end). */
  readonly close: Effect.Effect<void>
  /** Closes now, dropping what is queued: for peers that are refused before they authenticate. */
  readonly abort: Effect.Effect<void>
}

/**
 * A bound address that accepts connections.
 *
 * @category models
 * @since 0.1.0
 */
export interface Listener {
  /** The address actually bound (`tcp:host:0` reports the real port). */
  readonly address: string
  /** Waits for the next connection. The caller closes it. */
  readonly accept: Effect.Effect<Connection>
}

/** Options shared by listen and connect. @category models @since 0.1.0 */
export interface TransportOptions {
  /** The cap on a frame's payload, checked before allocation (default 64 MiB). */
  readonly maxFrameSize?: number | undefined
  /** TLS for TCP: certificate and key files (server), CA file and server name (client). */
  readonly tls?: {
    readonly cert?: string | undefined
    readonly key?: string | undefined
    readonly ca?: string | undefined
    readonly servername?: string | undefined
  } | undefined
}

/**
 * The Transport service: listens on and connects to addresses, giving frame-level connections.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Transport, MemoryTransport } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const transport = yield* Transport
 *   const listener = yield* transport.listen("memory:demo")
 *   const client = yield* transport.connect(listener.address)
 *   client.sendUnsafe(new TextEncoder().encode("hello"))
 * }).pipe(Effect.scoped, Effect.provide(MemoryTransport.layer))
 * ```
 * @category services
 * @since 0.1.0
 */
export class Transport extends Context.Service<Transport, {
  /** The address schemes this transport serves (`memory`, `unix`, `tcp`). */
  readonly schemes: ReadonlyArray<string>
  readonly listen: (
    address: string,
    options?: TransportOptions
  ) => Effect.Effect<Listener, TransportError, Scope.Scope>
  readonly connect: (
    address: string,
    options?: TransportOptions
  ) => Effect.Effect<Connection, TransportError, Scope.Scope>
}>()("effect-managers/Transport") {}
