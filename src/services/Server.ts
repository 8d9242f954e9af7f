/**
 * The manager's server: it listens on an address, authenticates each
 * connection, and serves requests from both dialects (ours, and CPython's)
 * against the shared objects in the RefcountStore, as the Registry describes
 * them. Every request runs in its own fiber, many at once per connection.
 *
 * Layers: `ServerLive.layer(options)`, needing a Transport, a Registry and a
 * RefcountStore.
 *
 * @since 0.1.0
 */
import type { Duration, Effect } from "effect"
import { Context } from "effect"
import type { Kwargs } from "../domain/Arguments.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import type { Outcome } from "../domain/Outcome.ts"

/**
 * A control call a server offers beyond the manager's own (create, incref,
 * decref, debug info, shutdown): a name, and what it does for a session.
 * Both dialects reach it: a CPython peer by its control request
 * `(None, name, args, kwds)`, a client of ours by `manager.control(name,
 * args)`. This is how a server grows calls such as CPython's
 * SharedMemoryServer's `track_segment` without a change to either dialect.
 *
 * @category models
 * @since 0.1.0
 */
export interface ControlCall {
  readonly name: string
  /** Runs it for `session`, with the request's positional and keyword arguments. */
  readonly run: (request: {
    readonly session: string
    readonly args: ReadonlyArray<unknown>
    readonly kwargs: Kwargs
  }) => Effect.Effect<Outcome>
}

/** How a server listens and what it allows. @category models @since 0.1.0 */
export interface ServerOptions {
  /** `memory:name`, `unix:/path` or `tcp:host:port` (port 0 picks a free port). */
  readonly address: string
  /** The shared key both sides prove they hold. An empty key is a valid key. */
  readonly authkey: Uint8Array
  /** Refuse legacy HMAC-MD5 answers (CPython 3.11 and older clients). */
  readonly strictAuth?: boolean | undefined
  /** The cap on a frame, checked before allocation (default 64 MiB). */
  readonly maxFrameSize?: number | undefined
  /** How long a session's references outlive its connection (default 3 seconds). */
  readonly leaseGrace?: Duration.Input | undefined
  /** Whether an expired session's lock, semaphore and condition permits are released too (default true). */
  readonly releasePermitsOnExpiry?: boolean | undefined
  /** The most objects one session may hold references to (default 1,000,000). */
  readonly maxObjectsPerSession?: number | undefined
  /**
   * The most requests one connection may have in flight (default 4,096). Past
   * it, the server stops reading from that connection until some complete:
   * backpressure, not an error.
   */
  readonly maxInFlight?: number | undefined
  /** The most connections served at once (default 10,000); more are refused with LimitExceeded. */
  readonly maxConnections?: number | undefined
  /**
   * How long a connection of our dialect may stay silent before it is closed
   * (default 30 seconds). Clients send heartbeats well within it, so this
   * finds half-open connections whose peer vanished without a FIN.
   */
  readonly idleTimeout?: Duration.Input | undefined
  /** TLS for TCP: the server's certificate and key files. */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined
  /**
   * How long a new connection has to authenticate and send its first frame,
   * the TLS handshake included (default 5 seconds); then it is closed.
   */
  readonly handshakeTimeout?: Duration.Input | undefined
  /**
   * The most connections that may be authenticating at once (default 128).
   * They are counted apart from `maxConnections`, so peers that never
   * authenticate cannot take the places of clients that did.
   */
  readonly maxPendingConnections?: number | undefined
  /** Control calls beyond the manager's own; a later one with a name replaces an earlier one. */
  readonly controls?: ReadonlyArray<ControlCall> | undefined
  /** Watches every call (metrics, spans). */
  readonly observer?: CallObserver | undefined
}

/**
 * What a call is, to whoever watches the server's calls.
 *
 * @category models
 * @since 0.1.0
 */
export interface CallInfo {
  /** `native`, `pickle`, `xmlrpclib`. */
  readonly dialect: string
  readonly session: string
  readonly typeid: string
  readonly method: string
  /** The caller's span, as the request carried it (W3C `traceparent`), if any. */
  readonly trace: string | null
}

/**
 * Watches every call a server serves, at the one place every call passes in
 * each dialect: told when a call starts, and, by the function it gives back,
 * how it ended. Metrics and spans hang here; with no observer the calls pay
 * nothing.
 *
 * @category models
 * @since 0.1.0
 */
export interface CallObserver {
  readonly start: (call: CallInfo) => (outcome: Outcome) => void
}

/**
 * What a server counts about its connections, for `inspect`.
 *
 * @since 0.1.0
 */
export interface ServerStats {
  /** Authenticated connections served now. */
  readonly connections: number
  /** Connections still authenticating. */
  readonly pending: number
  /** Sessions with a connection now. */
  readonly sessions: number
  /** Connections accepted since the server started. */
  readonly accepted: number
  /** Frames a dialect has decoded since the server started: none comes before authentication. */
  readonly decodedFrames: number
  /** Connections closed before they were served, by reason. */
  readonly refused: {
    /** No TLS handshake, challenge answer or first frame within `handshakeTimeout`. */
    readonly handshakeTimeout: number
    /** A wrong key, or a peer that does not speak the handshake. */
    readonly authentication: number
    /** Over `maxPendingConnections`. */
    readonly pendingLimit: number
    /** Over `maxConnections`. */
    readonly connectionLimit: number
  }
  /** Calls whose callers gave up on them (interrupted, timed out). */
  readonly calls: {
    /** Stopped while still waiting: they had no effect. */
    readonly cancelled: number
    /** Completed first, then given back by their compensator. */
    readonly undone: number
    /** Completed first, and could not be undone (a Barrier party that passed). */
    readonly irreversible: number
  }
}

/** The Server service: a manager serving its shared objects on an address. @category services @since 0.1.0 */
export class Server extends Context.Service<Server, {
  /** The address bound (with the real port for `tcp:host:0`). */
  readonly address: string
  readonly numberOfObjects: Effect.Effect<number>
  readonly debugInfo: Effect.Effect<ReadonlyArray<ObjectInfo>>
  /** Connection counters: served, pending, refused by reason. */
  readonly stats: Effect.Effect<ServerStats>
  /** Stops serving: closes the listener and every connection, and disposes every object. */
  readonly shutdown: Effect.Effect<void>
  /** Completes once the server has shut down (on `shutdown`, or a client's shutdown request). */
  readonly awaitShutdown: Effect.Effect<void>
}>()("effect-managers/Server") {}
