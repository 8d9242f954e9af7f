/**
 * How managers and their clients reach each other: listen on an address and
 * connect to one, giving connections that carry frames (CPython's length
 * prefix). A Transport moves bytes and frames them; it knows nothing of
 * messages, authentication or dialects.
 *
 * A {@link Medium} adapts one way of moving bytes (Unix sockets and TCP,
 * memory, any Effect `Socket`) to {@link Connection}s and names the address
 * schemes it serves. The {@link Transport} service is what code uses: it
 * routes each address, by the scheme before its first `:`, to the medium
 * that serves it, so a new medium is added without touching anything else.
 *
 * Layers: `MemoryTransport` (one process, same framing as the sockets),
 * `NodeTransport` (Unix sockets and TCP, with optional TLS, and memory),
 * `FaultyTransport` (memory that misbehaves, for tests), or
 * `Transport.layer(...mediums)` for any mix.
 *
 * @since 0.1.0
 */
import { Context, Data, Effect, Layer, type Scope } from "effect"
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
 * One end of a connection, carrying frames in order. Sending is
 * synchronous and never fails: a connection that has closed drops what is
 * sent to it, and its reader learns of the close. It has one reader at a
 * time: `receive` frame by frame (the handshake), then `run` for the rest.
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
  /** Stops reading from the peer (backpressure); pauses nest, each ended by one `resume`. */
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

/**
 * Options shared by listen and connect. A listener's `maxFrameSize` caps
 * what its accepted connections read; a connection's, what the client reads.
 *
 * @category models
 * @since 0.1.0
 */
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
 * One way of moving frames: it listens on and connects to the addresses of
 * its `schemes`, and fails with `TransportError({ reason: "address" })` for
 * an address it cannot use. Each medium is one short module in
 * `src/layers` (`NodeTransport.medium`, `MemoryTransport.medium`,
 * `FaultyTransport.medium`); the Transport service has the same shape, so a
 * routed Transport is a medium too.
 *
 * @category models
 * @since 0.1.0
 */
export interface Medium {
  /** The address schemes served (`unix`, `tcp`, `memory`): the part of an address before its first `:`. */
  readonly schemes: ReadonlyArray<string>
  /** Binds the address for as long as the scope is open. */
  readonly listen: (
    address: string,
    options?: TransportOptions
  ) => Effect.Effect<Listener, TransportError, Scope.Scope>
  /** Connects to the address; the connection closes with the scope, if not before. */
  readonly connect: (
    address: string,
    options?: TransportOptions
  ) => Effect.Effect<Connection, TransportError, Scope.Scope>
}

/** The scheme of an address: what comes before its first `:`, or undefined without one. */
const schemeOf = (address: string): string | undefined => {
  const colon = address.indexOf(":")
  return colon > 0 ? address.slice(0, colon) : undefined
}

/**
 * A medium that routes each address to the medium serving its scheme.
 * Two mediums that claim the same scheme are a defect: which one serves it
 * would otherwise depend on the order they were given in.
 */
const route = <E, R>(mediums: ReadonlyArray<Effect.Effect<Medium, E, R>>): Effect.Effect<Medium, E, R> =>
  Effect.flatMap(Effect.all(mediums), (built) => {
    const byScheme = new Map<string, Medium>()
    for (const medium of built) {
      for (const scheme of medium.schemes) {
        if (byScheme.has(scheme)) return Effect.die(new Error(`two transport mediums serve the scheme ${scheme}:`))
        byScheme.set(scheme, medium)
      }
    }
    const serving = (address: string): Effect.Effect<Medium, TransportError> => {
      const scheme = schemeOf(address)
      const medium = scheme === undefined ? undefined : byScheme.get(scheme)
      return medium === undefined ? Effect.fail(new TransportError({ reason: "address", address })) : Effect.succeed(medium)
    }
    return Effect.succeed<Medium>({
      schemes: [...byScheme.keys()],
      listen: (address, options) => Effect.flatMap(serving(address), (medium) => medium.listen(address, options)),
      connect: (address, options) => Effect.flatMap(serving(address), (medium) => medium.connect(address, options))
    })
  })

/**
 * The transport that code uses: listen and connect, by address. An address
 * whose scheme no medium serves fails with `TransportError({ reason: "address" })`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { MemoryTransport, NodeTransport, Transport } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const transport = yield* Transport
 *   const listener = yield* transport.listen("memory:demo")
 *   const client = yield* transport.connect(listener.address)
 *   client.sendUnsafe(new TextEncoder().encode("hello"))
 * }).pipe(Effect.scoped, Effect.provide(MemoryTransport.layer))
 *
 * // Unix sockets, TCP and memory, the memory listeners on the network in the context:
 * const routed = Transport.layer(NodeTransport.medium, MemoryTransport.medium)
 * ```
 * @category services
 * @since 0.1.0
 */
export class Transport extends Context.Service<Transport, Medium>()("effect-managers/Transport") {
  /**
   * A Transport that routes each address to the one of these mediums that
   * serves its scheme.
   *
   * @since 0.1.0
   */
  static readonly make = <E, R>(...mediums: ReadonlyArray<Effect.Effect<Medium, E, R>>): Effect.Effect<Transport["Service"], E, R> =>
    route(mediums)

  /**
   * {@link Transport.make} as a Layer.
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { MemoryNetwork, MemoryTransport, NodeTransport, Transport } from "effect-managers"
   *
   * const transport = Transport.layer(NodeTransport.medium, MemoryTransport.medium).pipe(
   *   Layer.provide(MemoryNetwork.layer)
   * )
   * ```
   * @since 0.1.0
   */
  static readonly layer = <E, R>(...mediums: ReadonlyArray<Effect.Effect<Medium, E, R>>): Layer.Layer<Transport, E, R> =>
    Layer.effect(Transport, route(mediums))
}
