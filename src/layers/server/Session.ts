/**
 * What a dialect serving one connection needs from its server: dispatch
 * (objects, registry, services), sessions and their leases, the limits that
 * apply to a connection, the counters it updates, and the control calls the
 * server was given beyond its own.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallObserver, ControlCall, ServerStats } from "../../services/Server.ts"
import type { DispatchContext } from "./Dispatch.ts"
import type { Leases } from "./Leases.ts"

/**
 * @category models
 * @since 0.1.0
 */
export interface SessionContext extends DispatchContext {
  readonly leases: Leases
  /** Asks the server to shut down (a client's Shutdown request). */
  readonly requestShutdown: Effect.Effect<void>
  /** The most requests one connection may have in flight before reading from it stops. */
  readonly maxInFlight: number
  /** How long a connection of our dialect may stay silent (milliseconds). */
  readonly idleTimeoutMillis: number
  /** The server's connection counters (the Stats request). */
  readonly stats: Effect.Effect<ServerStats>
  /** Where interrupted calls are counted, by what came of them. */
  readonly interrupted: { cancelled: number; undone: number; irreversible: number }
  /** Where the frames dialects decode are counted. */
  readonly frames: { decoded: number }
  /** Control calls beyond the manager's own, by name (CPython's SharedMemoryServer's `track_segment`, say). */
  readonly controls: ReadonlyMap<string, ControlCall>
  /** Names this server's connections, for logs and the session of a CPython method connection. */
  readonly nextConnectionId: () => number
  /** Told of every call, at the one place every call passes (undefined: nobody watches, nothing is spent). */
  readonly observer: CallObserver | undefined
}
