/**
 * The client side of a manager, for any registered type (CPython's
 * BaseManager as a client): creates shared objects and hands back proxies,
 * each a scoped resource whose release sends decref; turns a token another
 * process sent into a proxy; and asks the manager about itself. SyncManager's
 * typed constructors (`dict`, `Queue`, `Lock`, ...) are built on it, in the
 * `Manager` service.
 *
 * Layers: `ManagerClient.layer(options)` connects to a manager at an address;
 * `InProcessManager.layer(options)` runs one in this process;
 * `PythonManagerClient.layer(options)` speaks to a stock CPython manager.
 *
 * @since 0.1.0
 */
import type { Effect, Scope } from "effect"
import { Context } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import type { Proxy } from "../domain/ProxyCore.ts"
import type { PythonError } from "../domain/PythonErrors.ts"
import type { Token } from "../domain/Token.ts"
import type { ArgsOf, ProxyOf, TypeDef } from "./Registry.ts"
import type { ServerStats } from "./Server.ts"

/** What creating a shared object may fail with. @category models @since 0.1.0 */
export type CreateError = CallError | PythonError

/**
 * What a BaseManager offers.
 *
 * @category models
 * @since 0.1.0
 */
export interface BaseManagerShape {
  /** The manager's address. */
  readonly address: string
  /** This client's session: every reference it holds belongs to it. */
  readonly session: string
  /** Creates a shared object of a registered type; its proxy lives in the caller's scope. */
  readonly create: {
    <D extends TypeDef>(type: D, ...args: ArgsOf<D>): Effect.Effect<ProxyOf<D>, CreateError, Scope.Scope>
    (typeid: string, ...args: ReadonlyArray<unknown>): Effect.Effect<Proxy, CreateError, Scope.Scope>
  }
  /** Creates a shared object of `typeid` with positional and keyword arguments (CPython's `**kwds`). */
  readonly createWith: (
    typeid: string,
    args: ReadonlyArray<unknown>,
    kwargs?: Readonly<Record<string, unknown>>
  ) => Effect.Effect<Proxy, CreateError, Scope.Scope>
  /**
   * A proxy to the object a token names (a token another process sent), with
   * its own reference, in the caller's scope.
   */
  readonly proxy: (token: Token) => Effect.Effect<Proxy, CallError, Scope.Scope>
  /** How many objects the manager holds (for every client). */
  readonly numberOfObjects: Effect.Effect<number, CallError>
  /** The manager's live objects: id, typeid, refcount, description, holders. */
  readonly debugInfo: Effect.Effect<ReadonlyArray<ObjectInfo>, CallError>
  /** The server's connection counters: served, pending, refused by reason. */
  readonly stats: Effect.Effect<ServerStats, CallError>
  /** A control call the server offers beyond the manager's own (a SharedMemoryServer's `track_segment`). */
  readonly control: (name: string, args?: ReadonlyArray<unknown>, kwargs?: Readonly<Record<string, unknown>>) => Effect.Effect<unknown, CallError>
  /** Checks the manager answers. */
  readonly ping: Effect.Effect<void, CallError>
  /** Asks the manager to shut down. */
  readonly shutdown: Effect.Effect<void, CallError>
}

/**
 * A manager, for registered types.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { BaseManager, InProcessManager, Registry } from "effect-managers"
 *
 * class Counter {
 *   n = 0
 *   increment(by: number) { return (this.n += by) }
 * }
 * const CounterType = Registry.define("Counter", { create: () => new Counter() })
 *
 * const program = Effect.gen(function*() {
 *   const manager = yield* BaseManager
 *   const counter = yield* manager.create(CounterType)
 *   return yield* counter.increment(2)
 * })
 *
 * Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(InProcessManager.layer({ types: [CounterType] }))))
 * ```
 * @category services
 * @since 0.1.0
 */
export class BaseManager extends Context.Service<BaseManager, BaseManagerShape>()("effect-managers/BaseManager") {}
