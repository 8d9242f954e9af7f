/**
 * The Manager service as a client of a stock CPython manager
 * (`SyncManager` or any `BaseManager` server): the same proxies and errors as
 * against our own server, over CPython's protocol.
 *
 * What CPython's protocol cannot do, this client does not pretend to: a call
 * cannot be cancelled on a CPython server (interrupting one gives up its
 * connection, and the server finishes the call on its own), and references
 * held by a client that dies are never released (CPython has no leases).
 * Creating an object takes one connection, as CPython's create does, but no
 * incref/decref round trips after it. The proxies are the client core's, as
 * against our own server (`client/PythonWire` is all that differs).
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import * as Manager from "../proxy/Manager.ts"
import * as Registry from "../services/Registry.ts"
import type { TransportOptions } from "../services/Transport.ts"
import * as ClientCore from "./client/ClientCore.ts"
import { make as connect } from "./client/PythonConnection.ts"
import * as PythonWire from "./client/PythonWire.ts"
import * as SyncManagerTypes from "./SyncManagerTypes.ts"

/** How to reach a CPython manager, and the types it registers. @category models @since 0.1.0 */
export interface PythonClientOptions extends TransportOptions {
  /** The CPython manager's address: `unix:/path` or `tcp:host:port`. */
  readonly address: string
  readonly authkey: Uint8Array
  readonly strictAuth?: boolean | undefined
  /** Types beyond SyncManager's the server registers (for typed proxies). */
  readonly types?: Iterable<Registry.TypeDef> | undefined
}

/**
 * Connects to a CPython manager.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NodeTransport, PythonManagerClient } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const m = yield* PythonManagerClient.make({ address: "tcp:127.0.0.1:50000", authkey: new TextEncoder().encode("secret") })
 *   const d = yield* m.dict<string, number>()
 *   yield* d.set("from node", 1)
 * }).pipe(Effect.scoped, Effect.provide(NodeTransport.layer))
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: PythonClientOptions) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const registry = Registry.make([...SyncManagerTypes.all, ...(options.types ?? [])])
    const exposedOf = new Map<string, ReadonlyArray<string>>()
    const connections = yield* connect({
      ...options,
      // A token sent to CPython travels as a proxy it can rebuild: its class, or an AutoProxy's exposed list.
      proxyFor: (token) => {
        const def = registry.get(token.typeid)
        const proxyClass = def?.pythonProxy ?? "AutoProxy"
        return proxyClass === "AutoProxy"
          ? { proxyClass, exposed: exposedOf.get(token.id) ?? def?.exposed ?? [] }
          : { proxyClass }
      }
    })
    const wire = PythonWire.make(connections, options.address, `python-client-${randomUUID()}`, exposedOf)
    return Manager.make(ClientCore.make(wire, { registry, fallbackScope: scope }).base)
  })

/** A Manager (and its BaseManager) connected to a CPython manager. @category layers @since 0.1.0 */
export const layer = (options: PythonClientOptions) => Manager.layerFromBase(make(options))
