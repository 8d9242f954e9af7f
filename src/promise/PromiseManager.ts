/**
 * A manager for code that does not use Effect: the Manager service behind a
 * ManagedRuntime, with constructors that give Promise proxies. Close it with
 * `close()` or `await using`: every proxy it handed out is released, then its
 * layer (connection, in-process server or started process) is torn down.
 *
 * @since 0.1.0
 */
import { Context, type Duration, type Layer, ManagedRuntime } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
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
import type { PoolProxy, TaskModule } from "../proxy/PoolProxy.ts"
import type { PoolError } from "../domain/PoolErrors.ts"
import type { ModuleLoadError } from "../layers/process/ModuleExport.ts"
import type { UnknownTaggedError } from "../protocol/WireErrors.ts"
import type { ArrayProxy, ValueProxy } from "../proxy/ValueProxy.ts"
import { type CreateError, Manager, type ManagerShape, type PoolOptions } from "../proxy/Manager.ts"
import type { ArgsOf, ProxyOf, TypeDef } from "../services/Registry.ts"
import type { CallOptions, CallPromise } from "./CallPromise.ts"
import * as Calls from "./Calls.ts"
import { type PromiseProxy, toEffectProxy } from "./PromiseProxy.ts"

type Created<P> = CallPromise<PromiseProxy<P>, CreateError>
type Lock = LockProxy | RLockProxy | AcquirerProxy

/**
 * A manager whose calls return Promises. Its constructors mirror the Effect
 * Manager's; each proxy they give holds a reference until its
 * `releaseProxy()`, the end of its `await using` block, or `close()`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromiseManager extends AsyncDisposable {
  /** The manager's address. */
  readonly address: string
  /** This client's session: every reference it holds belongs to it. */
  readonly session: string
  /** The Effect Manager underneath, for code that mixes the two. */
  readonly effect: ManagerShape
  /** The same manager, whose calls are cancelled when `signal` aborts or `timeout` passes. */
  readonly with: (options: CallOptions) => PromiseManager
  /** Creates a shared object of a registered type. */
  readonly create: {
    <D extends TypeDef>(type: D, ...args: ArgsOf<D>): Created<ProxyOf<D>>
    (typeid: string, ...args: ReadonlyArray<unknown>): Created<AutoProxy>
  }
  /** A proxy with its own reference to the object a token names (a token another process sent). */
  readonly proxy: (token: Token) => CallPromise<PromiseProxy<BaseProxy>, CallError>
  readonly dict: {
    <K = unknown, V = unknown>(): Created<DictProxy<K, V>>
    <K, V>(initial: ReadonlyMap<K, V> | Iterable<readonly [K, V]>): Created<DictProxy<K, V>>
    <K extends string = string, V = unknown>(initial: Readonly<Record<string, V>>): Created<DictProxy<K, V>>
  }
  readonly list: <A = unknown>(items?: Iterable<A>) => Created<ListProxy<A>>
  readonly set: <A = unknown>(items?: Iterable<A>) => Created<SetProxy<A>>
  readonly Queue: <A = unknown>(options?: { readonly maxsize?: number }) => Created<QueueProxy<A>>
  readonly JoinableQueue: <A = unknown>(options?: { readonly maxsize?: number }) => Created<QueueProxy<A>>
  readonly Lock: () => Created<LockProxy>
  readonly RLock: () => Created<RLockProxy>
  readonly Semaphore: (value?: number) => Created<SemaphoreProxy>
  readonly BoundedSemaphore: (value?: number) => Created<SemaphoreProxy>
  /** A Condition, on a fresh RLock or on `lock` (a Promise or Effect proxy of a Lock or RLock). */
  readonly Condition: (lock?: Lock | PromiseProxy<Lock>) => Created<ConditionProxy>
  readonly Event: () => Created<EventProxy>
  readonly Barrier: (parties: number, options?: { readonly timeout?: Duration.Input | null }) => Created<BarrierProxy>
  readonly Value: <A = unknown>(typecode: string, value: A) => Created<ValueProxy<A>>
  readonly Array: <A extends number | bigint | string = number>(
    typecode: string,
    sequence: Iterable<NoInfer<A>> | number
  ) => Created<ArrayProxy<A>>
  readonly Namespace: <T extends Record<string, unknown> = Record<string, unknown>>(
    attributes?: Partial<T>
  ) => Created<NamespaceProxy<T>>
  /** A Pool on the manager's server running the functions `options.module` exports (see the Manager's `Pool`). */
  readonly Pool: <M = TaskModule>(
    processes: number | null,
    options: PoolOptions
  ) => CallPromise<PromiseProxy<PoolProxy<M>>, CreateError | ModuleLoadError | PoolError | UnknownTaggedError>
  /** How many objects the manager holds (for every client). */
  readonly numberOfObjects: () => CallPromise<number, CallError>
  /** The manager's live objects: id, typeid, refcount, description, holders. */
  readonly debugInfo: () => CallPromise<ReadonlyArray<ObjectInfo>, CallError>
  /** Checks the manager answers. */
  readonly ping: () => CallPromise<void, CallError>
  /** Asks the manager's server to shut down. */
  readonly shutdown: () => CallPromise<void, CallError>
  /** Releases every proxy still held, then closes the connection (and the server or process it runs). Runs once. */
  readonly close: () => Promise<void>
}

const constructors = [
  "create", "proxy", "dict", "list", "set", "Queue", "JoinableQueue", "Lock", "RLock", "Semaphore",
  "BoundedSemaphore", "Condition", "Event", "Barrier", "Value", "Array", "Namespace", "Pool"
] as const satisfies ReadonlyArray<keyof ManagerShape>

const requests = ["numberOfObjects", "debugInfo", "ping", "shutdown"] as const satisfies ReadonlyArray<keyof ManagerShape>

const view = (shape: ManagerShape, calls: Calls.ManagerCalls, options: CallOptions): PromiseManager => {
  const manager: Record<string, unknown> = {
    address: shape.address,
    session: shape.session,
    effect: shape,
    with: (more: CallOptions) => view(shape, calls, { ...options, ...more }),
    close: calls.close,
    [Symbol.asyncDispose]: calls.close
  }
  for (const name of constructors) {
    const f = shape[name] as (...args: ReadonlyArray<unknown>) => Parameters<typeof calls.run>[0]
    manager[name] = (...args: ReadonlyArray<unknown>) => calls.run(f(...args.map(toEffectProxy)), options, name)
  }
  for (const name of requests) manager[name] = () => calls.run(shape[name], options, name)
  return manager as unknown as PromiseManager
}

/**
 * The Promise manager of a layer that gives the Manager service: builds it
 * (a rejection is the layer's error, e.g. ManagerUnavailable or StartError)
 * and keeps it until `close()`.
 *
 * @example
 * ```ts
 * import { InProcessManager } from "effect-managers"
 * import { fromLayer } from "effect-managers/promise"
 *
 * await using manager = await fromLayer(InProcessManager.layer())
 * console.log(await manager.numberOfObjects()) // 0
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const fromLayer = async <E>(layer: Layer.Layer<Manager, E>): Promise<PromiseManager> => {
  const runtime = ManagedRuntime.make(layer)
  let shape: ManagerShape
  try {
    shape = Context.get(await runtime.context(), Manager)
  } catch (error) {
    await runtime.dispose()
    throw error
  }
  return view(shape, Calls.make(runtime, shape.address), {})
}
