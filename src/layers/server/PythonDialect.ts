/**
 * Serves a CPython peer (a pickle or XML-RPC frame after authentication).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Connection } from "../../services/Transport.ts"
import type { SessionContext } from "./NativeDialect.ts"

/**
 * Not served yet: the connection is closed.
 *
 * @since 0.1.0
 */
export const servePython = (_ctx: SessionContext, connection: Connection, _first: Uint8Array): Effect.Effect<void> =>
  connection.close
