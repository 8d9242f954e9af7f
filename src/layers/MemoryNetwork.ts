/**
 * The namespace of `memory:` addresses: which listeners are bound, and a
 * number for each connection made on it. It is a service, made by a layer,
 * so that two networks never meet: whoever must reach the same in-memory
 * listeners shares one network (a manager and its clients, a test and the
 * faulty links it makes), and everything else is kept apart.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Queue, type Scope } from "effect"
import { type Connection, TransportError, type TransportOptions } from "../services/Transport.ts"

/**
 * A bound `memory:` address, as the side that connects sees it.
 *
 * @category models
 * @since 0.1.0
 */
export interface Bound {
  /** What the listener was given: its framing applies to the server end of each connection. */
  readonly options: TransportOptions
  /** Hands the server end of a new connection to the listener; false once it has closed. */
  readonly offer: (server: Connection) => Effect.Effect<boolean>
}

/**
 * Listeners by address, and connection numbers.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { FaultyTransport, ManagerClient, MemoryBackend, MemoryNetwork, MemoryTransport, ServerLive, SyncManager, Registry, Transport } from "effect-managers"
 *
 * const authkey = new TextEncoder().encode("key")
 * const program = Effect.gen(function*() {
 *   const server = yield* ServerLive.make({ address: "memory:demo", authkey })
 *   // A client whose link delivers a few bytes at a time reaches the same server.
 *   const client = yield* ManagerClient.make({ address: server.address, authkey }).pipe(
 *     Effect.provide(FaultyTransport.layer(() => ({ chunkSize: 3 })))
 *   )
 *   yield* client.ping
 * })
 * const deps = Layer.mergeAll(Transport.layer(MemoryTransport.medium), MemoryBackend.layer, Registry.layer(SyncManager.all)).pipe(
 *   Layer.provideMerge(MemoryNetwork.layer)
 * )
 * Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(deps)))
 * ```
 * @category services
 * @since 0.1.0
 */
export class MemoryNetwork extends Context.Service<MemoryNetwork, {
  /**
   * Binds `address` while the scope is open, giving the server ends of the
   * connections made to it. Fails with `TransportError({ reason: "listen" })`
   * when it is bound already.
   */
  readonly bind: (
    address: string,
    options: TransportOptions
  ) => Effect.Effect<Queue.Dequeue<Connection>, TransportError, Scope.Scope>
  /** The listener bound at `address`, if any. */
  readonly lookup: (address: string) => Bound | undefined
  /** A number for a new connection, unique on this network (from 1). */
  readonly nextConnection: () => number
}>()("effect-managers/MemoryNetwork") {}

/**
 * A new, empty network.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make: Effect.Effect<MemoryNetwork["Service"]> = Effect.sync(() => {
  const listeners = new Map<string, Bound>()
  let connections = 0
  return MemoryNetwork.of({
    bind: (address, options) =>
      Effect.gen(function*() {
        if (listeners.has(address)) {
          return yield* new TransportError({ reason: "listen", address, cause: new Error("address in use") })
        }
        const accepted = yield* Queue.unbounded<Connection>()
        listeners.set(address, { options, offer: (server) => Queue.offer(accepted, server) })
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            listeners.delete(address)
          }).pipe(Effect.andThen(Queue.shutdown(accepted)))
        )
        return accepted
      }),
    lookup: (address) => listeners.get(address),
    nextConnection: () => ++connections
  })
})

/**
 * A new network. Layers are memoized: within one build, whatever is given
 * this layer shares one network; `Layer.fresh` makes a private one.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<MemoryNetwork> = Layer.effect(MemoryNetwork, make)
