/**
 * A manager and its client in one process, joined by the in-memory
 * transport: the whole path (handshake, framing, codec, dispatch) runs as it
 * does across processes. The quickest way to share state between fibers
 * with proxies, and the way tests swap out the sockets.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Context, Effect, Layer } from "effect"
import { Manager } from "../proxy/Manager.ts"
import { BaseManager } from "../services/BaseManager.ts"
import type { RefcountStore } from "../services/RefcountStore.ts"
import type { SharedState } from "../services/SharedState.ts"
import * as Registry from "../services/Registry.ts"
import { Server } from "../services/Server.ts"
import type { ServerOptions } from "../services/Server.ts"
import { Transport } from "../services/Transport.ts"
import * as ManagerClient from "./ManagerClient.ts"
import * as MemoryBackend from "./memory/MemoryBackend.ts"
import * as MemoryNetwork from "./MemoryNetwork.ts"
import * as MemoryTransport from "./MemoryTransport.ts"
import * as ServerLive from "./ServerLive.ts"
import * as SyncManagerTypes from "./SyncManagerTypes.ts"

/** Options of an in-process manager: the server's options, and the types it serves. @category models @since 0.1.0 */
export interface InProcessOptions<E = never> extends Partial<Omit<ServerOptions, "address" | "authkey">> {
  /** Types beyond SyncManager's to serve (your `Registry.define`s). */
  readonly types?: Iterable<Registry.TypeDef> | undefined
  /** The in-memory address (default: a fresh `memory:` name). */
  readonly address?: string | undefined
  readonly authkey?: Uint8Array | undefined
  /** Where the objects' counts and state are kept (default: this process's memory, `MemoryBackend.layer`). */
  readonly backend?: Layer.Layer<RefcountStore | SharedState, E> | undefined
}

/**
 * A Manager (and its Server) in this process, on a `MemoryNetwork` of its
 * own, which the layer provides too: a client built with
 * `Transport.layer(MemoryTransport.medium)` on it reaches the server.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { InProcessManager, Manager } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const manager = yield* Manager
 *   const q = yield* manager.Queue<number>()
 *   yield* q.put(1)
 * })
 * Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(InProcessManager.layer())))
 * ```
 * @category layers
 * @since 0.1.0
 */
export const layer = <E = never>(
  options: InProcessOptions<E> = {}
): Layer.Layer<Manager | BaseManager | Server | MemoryNetwork.MemoryNetwork, E> => {
  const types = [...SyncManagerTypes.all, ...(options.types ?? [])]
  const authkey = options.authkey ?? randomBytes(32)
  const address = options.address ?? `memory:manager-${randomBytes(6).toString("hex")}`
  const both = Effect.gen(function*() {
    const server = yield* ServerLive.make({ ...options, address, authkey })
    const manager = yield* ManagerClient.make({ address: server.address, authkey, types })
    return { server, manager }
  })
  return Layer.effectContext(
    Effect.map(both, ({ manager, server }) =>
      Context.make(Manager, manager).pipe(Context.add(BaseManager, manager), Context.add(Server, server)))
  ).pipe(
    // Nothing in one process can refuse the connection but a bug.
    Layer.orDie,
    Layer.provide(Layer.mergeAll(
      Transport.layer(MemoryTransport.medium),
      options.backend ?? MemoryBackend.layer as Layer.Layer<RefcountStore | SharedState, E>,
      Registry.layer(types)
    )),
    Layer.provideMerge(Layer.fresh(MemoryNetwork.layer))
  )
}
