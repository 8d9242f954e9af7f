/**
 * A dialect: one way peers talk to a manager after authentication. The
 * server tells them apart by the first frame (a pickle or an XML-RPC
 * document is a CPython peer; anything else is ours), serves each
 * connection in its own, and refuses it, when it must, in the peer's own
 * serializer, so that the peer raises what it is told.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { LimitExceeded } from "../../domain/ManagerErrors.ts"
import type { Connection } from "../../services/Transport.ts"
import type { SessionContext } from "./Session.ts"

/**
 * @category models
 * @since 0.1.0
 */
export interface Dialect {
  /** `native`, `pickle`, `xmlrpclib`: what logs and metrics call it. */
  readonly name: string
  /** Whether the first frame after authentication is this dialect's. */
  readonly recognise: (first: Uint8Array) => boolean
  /** Serves the connection whose first frame was `first`, until it ends. */
  readonly serve: (ctx: SessionContext, connection: Connection, first: Uint8Array) => Effect.Effect<void>
  /** Says why the connection is refused, in the peer's serializer (the caller closes it). */
  readonly refuse: (connection: Connection, error: LimitExceeded) => void
}

/**
 * The dialect of a first frame: the first that recognises it.
 *
 * @category combinators
 * @since 0.1.0
 */
export const dialectOf = (dialects: ReadonlyArray<Dialect>, first: Uint8Array): Dialect | undefined =>
  dialects.find((d) => d.recognise(first))
