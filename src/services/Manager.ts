/**
 * The client side of a manager (CPython's BaseManager as a client): creates
 * shared objects and hands back proxies, each a scoped resource whose release
 * sends decref. The SyncManager types have their own constructors (`dict`,
 * `Queue`, `Lock`, ...); any registered type is created with `create`.
 *
 * Layers: `ManagerClient.layer(options)` connects to a manager at an address;
 * `InProcessManager.layer(options)` runs one in this process.
 *
 * @since 0.1.0
 */
import type { Duration, Effect, Scope } from "effect"
import { Context } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import type { PythonError } from "../domain/PythonErrors.ts"
import type { Token } from "../domain/Token.ts"
import type { AcquirerProxy, LockProxy, RLockProxy, SemaphoreProxy } from "../proxy/AcquirerProxy.ts"
import type { AutoProxy } from "../proxy/AutoProxy.ts"
import type { BarrierProxy } from "../proxy/BarrierProxy.ts"
import type { BaseProxy } from "../proxy/BaseProxy.ts"
import type { ConditionProxy } from "../proxy/ConditionProxy.ts"
import type { DictProxy } from "../proxy/DictProxy.ts"
import type { EventProxy } from "../proxy/EventProxy.ts"
import type { ListProxy } from "../proxy/ListProxy.ts"
import type { NamespaceProxy } from "../proxy/NamespaceProxy.ts"
import type { QueueProxy } from "../proxy/QueueProxy.ts"
import type { SetProxy } from "../proxy/SetProxy.ts"
import type { ArrayProxy, ValueProxy } from "../proxy/ValueProxy.ts"
import type { ArgsOf, ProxyOf, TypeDef } from "./Registry.ts"
import type { ServerStats } from "./Server.ts"

/** What creating a shared object may fail with. @category models @since 0.1.0 */
export type CreateError = CallError | PythonError

/** What a Manager offers: a constructor per SyncManager type, `create` for registered types, `proxy` for tokens, and the manager's own requests. @category models @since 0.1.0 */
export interface ManagerShape {
  /** The manager's address. */
  readonly address: string
  /** This client's session: every reference it holds belongs to it. */
  readonly session: string
  /** Creates a shared object of a registered type; its proxy lives in the caller's scope. */
  readonly create: {
    <D extends TypeDef>(type: D, ...args: ArgsOf<D>): Effect.Effect<ProxyOf<D>, CreateError, Scope.Scope>
    (typeid: string, ...args: ReadonlyArray<unknown>): Effect.Effect<AutoProxy, CreateError, Scope.Scope>
  }
  /**
   * A proxy to the object a token names (a token another process sent), with
   * its own reference, in the caller's scope.
   */
  readonly proxy: (token: Token) => Effect.Effect<BaseProxy, CallError, Scope.Scope>
  readonly dict: {
    <K = unknown, V = unknown>(): Effect.Effect<DictProxy<K, V>, CreateError, Scope.Scope>
    <K, V>(initial: ReadonlyMap<K, V> | Iterable<readonly [K, V]>): Effect.Effect<DictProxy<K, V>, CreateError, Scope.Scope>
    <K extends string = string, V = unknown>(
      initial: Readonly<Record<string, V>>
    ): Effect.Effect<DictProxy<K, V>, CreateError, Scope.Scope>
  }
  readonly list: <A = unknown>(items?: Iterable<A>) => Effect.Effect<ListProxy<A>, CreateError, Scope.Scope>
  readonly set: <A = unknown>(items?: Iterable<A>) => Effect.Effect<SetProxy<A>, CreateError, Scope.Scope>
  readonly Queue: <A = unknown>(options?: { readonly maxsize?: number }) => Effect.Effect<QueueProxy<A>, CreateError, Scope.Scope>
  readonly JoinableQueue: <A = unknown>(
    options?: { readonly maxsize?: number }
  ) => Effect.Effect<QueueProxy<A>, CreateError, Scope.Scope>
  readonly Lock: () => Effect.Effect<LockProxy, CreateError, Scope.Scope>
  readonly RLock: () => Effect.Effect<RLockProxy, CreateError, Scope.Scope>
  readonly Semaphore: (value?: number) => Effect.Effect<SemaphoreProxy, CreateError, Scope.Scope>
  readonly BoundedSemaphore: (value?: number) => Effect.Effect<SemaphoreProxy, CreateError, Scope.Scope>
  readonly Condition: (lock?: LockProxy | RLockProxy | AcquirerProxy) => Effect.Effect<ConditionProxy, CreateError, Scope.Scope>
  readonly Event: () => Effect.Effect<EventProxy, CreateError, Scope.Scope>
  readonly Barrier: (
    parties: number,
    options?: { readonly timeout?: Duration.Input | null }
  ) => Effect.Effect<BarrierProxy, CreateError, Scope.Scope>
  readonly Value: <A = unknown>(typecode: string, value: A) => Effect.Effect<ValueProxy<A>, CreateError, Scope.Scope>
  readonly Array: <A extends number | bigint | string = number>(
    typecode: string,
    sequence: Iterable<NoInfer<A>> | number
  ) => Effect.Effect<ArrayProxy<A>, CreateError, Scope.Scope>
  readonly Namespace: <T extends Record<string, unknown> = Record<string, unknown>>(
    attributes?: Partial<T>
  ) => Effect.Effect<NamespaceProxy<T>, CreateError, Scope.Scope>
  /** How many objects the manager holds (for every client). */
  readonly numberOfObjects: Effect.Effect<number, CallError>
  /** The manager's live objects: id, typeid, refcount, description, holders. */
  readonly debugInfo: Effect.Effect<ReadonlyArray<ObjectInfo>, CallError>
  /** The server's connection counters: served, pending, refused by reason. */
  readonly stats: Effect.Effect<ServerStats, CallError>
  /** Checks the manager answers. */
  readonly ping: Effect.Effect<void, CallError>
  /** Asks the manager to shut down. */
  readonly shutdown: Effect.Effect<void, CallError>
}

/**
 * The Manager service: creates shared objects and hands back proxies to them.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { InProcessManager, Manager } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const manager = yield* Manager
 *   const d = yield* manager.dict<string, number>()
 *   yield* d.set("answer", 42)
 *   return yield* d.getItem("answer")
 * })
 *
 * Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(InProcessManager.layer())))
 * ```
 * @category services
 * @since 0.1.0
 */
export class Manager extends Context.Service<Manager, ManagerShape>()("effect-managers/Manager") {}
