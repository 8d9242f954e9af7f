/**
 * The Manager service as a client of a manager at an address: one
 * authenticated, multiplexed connection, a session, and proxies as scoped
 * resources.
 *
 * @since 0.1.0
 */
import { Duration, Effect, FiberSet } from "effect"
import type { Token } from "../domain/Token.ts"
import * as Manager from "../proxy/Manager.ts"
import * as Registry from "../services/Registry.ts"
import { connect, type ConnectOptions } from "./client/ClientConnection.ts"
import * as ClientCore from "./client/ClientCore.ts"
import * as NativeWire from "./client/NativeWire.ts"
import * as SyncManagerTypes from "./SyncManagerTypes.ts"

/** How a client reaches its manager. @category models @since 0.1.0 */
export interface ClientOptions extends ConnectOptions {
  /** Types whose proxies this client builds (default: SyncManager's). Add your own registered types. */
  readonly types?: Iterable<Registry.TypeDef> | undefined
  /** A timeout for every call (it is cancelled on the server when it passes). */
  readonly callTimeout?: Duration.Input | undefined
}

/**
 * Connects to a manager; the connection and every proxy in the manager's own
 * scope go when the scope closes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: ClientOptions) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    // Warnings are logged in fibers of the manager's scope, with the logger it was given.
    const runBackground = yield* FiberSet.makeRuntime<never, void, never>()
    let wire: ClientCore.Wire | undefined
    // References in replies nobody waits for any more go back.
    const orphans = (tokens: ReadonlyArray<Token>) => tokens.forEach((t) => Effect.runSync(wire?.decref(t) ?? Effect.void))
    const connection = yield* connect({ ...options, onOrphanTokens: orphans })
    wire = NativeWire.make(connection, {
      warn: (message) => {
        runBackground(Effect.logWarning(message))
      }
    })
    const core = ClientCore.make(wire, {
      registry: Registry.make([...SyncManagerTypes.all, ...(options.types ?? [])]),
      fallbackScope: scope,
      callTimeout: options.callTimeout === undefined ? undefined : Duration.toMillis(Duration.fromInputUnsafe(options.callTimeout))
    })
    return Manager.make(core.base)
  })

/**
 * A Manager (and its BaseManager) connected to the manager at `options.address`.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: ClientOptions) => Manager.layerFromBase(make(options))
