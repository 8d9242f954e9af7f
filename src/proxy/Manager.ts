/**
 * The Manager service: a BaseManager with a typed constructor for each of
 * CPython's SyncManager types (`dict`, `list`, `Queue`, `Lock`, ...), each
 * giving its typed proxy. The constructors are made once from any
 * BaseManager (ours, or the client of a CPython manager) by {@link make}.
 *
 * @since 0.1.0
 */
import type { Duration, Scope } from "effect"
import { Context, Effect, Layer } from "effect"
import type { BaseProxy } from "./BaseProxy.ts"
import { BaseManager, type BaseManagerShape, type CreateError } from "../services/BaseManager.ts"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { Token } from "../domain/Token.ts"
import { PyDict } from "../domain/values/PyDict.ts"
import type { PoolError } from "../domain/PoolErrors.ts"
import { type ModuleLoadError, resolveModule } from "../layers/process/ModuleExport.ts"
import type { UnknownTaggedError } from "../protocol/WireErrors.ts"
import type { AcquirerProxy, LockProxy, RLockProxy, SemaphoreProxy } from "./AcquirerProxy.ts"
import type { BarrierProxy } from "./BarrierProxy.ts"
import type { ConditionProxy } from "./ConditionProxy.ts"
import type { DictProxy } from "./DictProxy.ts"
import type { EventProxy } from "./EventProxy.ts"
import type { ListProxy } from "./ListProxy.ts"
import type { NamespaceProxy } from "./NamespaceProxy.ts"
import type { QueueProxy } from "./QueueProxy.ts"
import type { PoolProxy, TaskModule } from "./PoolProxy.ts"
import type { SetProxy } from "./SetProxy.ts"
import { toSeconds } from "./Timeouts.ts"
import type { ArrayProxy, ValueProxy } from "./ValueProxy.ts"

export type { CreateError } from "../services/BaseManager.ts"

/**
 * What a Manager offers: the BaseManager's create, proxy and requests, and
 * a constructor per SyncManager type.
 *
 * @category models
 * @since 0.1.0
 */
export interface ManagerShape extends BaseManagerShape {
  /** A proxy to the object a token names, with its own reference, in the caller's scope. */
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
  /**
   * A Pool of `processes` workers (null: one per core) on the manager's
   * server, running the functions `options.module` exports; `M` is that
   * module's type (`typeof import("./tasks.ts")`). Fails with
   * ModuleLoadError when the workers cannot import the module, or with the
   * initializer's own error.
   */
  readonly Pool: <M = TaskModule>(
    processes: number | null,
    options: PoolOptions
  ) => Effect.Effect<PoolProxy<M>, CreateError | ModuleLoadError | PoolError | UnknownTaggedError, Scope.Scope>
}

/**
 * How a Pool is made: the module its tasks name functions of, and CPython's
 * Pool options.
 *
 * @category models
 * @since 0.1.0
 */
export interface PoolOptions {
  /**
   * The module whose exported functions tasks name: a path (a relative one
   * is taken from this process's working directory) or a package name. A
   * checkout's `.ts` works as Node runs it (types stripped).
   */
  readonly module: string
  /** An exported function each worker runs once, before its first task, with `initargs`. */
  readonly initializer?: string | undefined
  readonly initargs?: ReadonlyArray<unknown> | undefined
  /** A worker is replaced after this many chunks (CPython's `maxtasksperchild`). */
  readonly maxtasksperchild?: number | undefined
  /** `"threads"` (the default): worker threads of the server; `"processes"`: child processes of it. */
  readonly workers?: "threads" | "processes" | undefined
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

/**
 * SyncManager's constructors over a BaseManager: each creates its typeid
 * with CPython's arguments, so that a CPython server makes the same object.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (base: BaseManagerShape): ManagerShape => {
  const create = (typeid: string, args: ReadonlyArray<unknown>, kwargs?: Readonly<Record<string, unknown>>) =>
    base.createWith(typeid, args, kwargs) as Effect.Effect<any, CreateError, Scope.Scope>
  return {
    ...base,
    proxy: base.proxy as ManagerShape["proxy"],
    // A dict's initial value travels as a dict (a PyDict keeps non-string keys, and pickles as one).
    dict: ((initial?: unknown) =>
      create("dict", initial === undefined ? [] : [
        initial instanceof Map ? initial : Symbol.iterator in (initial as object) ? new PyDict(initial as Iterable<readonly [unknown, unknown]>) : new PyDict(Object.entries(initial as object))
      ])) as ManagerShape["dict"],
    list: (items) => create("list", items === undefined ? [] : [[...items]]),
    set: (items) => create("set", items === undefined ? [] : [[...items]]),
    Queue: (options) => create("Queue", [options?.maxsize ?? 0]),
    JoinableQueue: (options) => create("JoinableQueue", [options?.maxsize ?? 0]),
    Lock: () => create("Lock", []),
    RLock: () => create("RLock", []),
    Semaphore: (value) => create("Semaphore", [value ?? 1]),
    BoundedSemaphore: (value) => create("BoundedSemaphore", [value ?? 1]),
    Condition: (lock) => create("Condition", lock === undefined ? [] : [lock]),
    Event: () => create("Event", []),
    Barrier: (parties, options) => create("Barrier", [parties, null, toSeconds(options?.timeout)]),
    Value: (typecode, value) => create("Value", [typecode, value]),
    Array: (typecode, sequence) => create("Array", [typecode, typeof sequence === "number" ? sequence : [...sequence]]),
    // CPython's Namespace takes its attributes as keywords only.
    Namespace: (attributes) => create("Namespace", [], attributes as Record<string, unknown> | undefined),
    // CPython's positional arguments, then ours by keyword; the module is this process's path.
    Pool: (processes, options) =>
      create("Pool", [processes, options.initializer ?? null, options.initargs ?? [], options.maxtasksperchild ?? null], {
        module: resolveModule(options.module),
        ...(options.workers !== undefined ? { workers: options.workers } : {})
      })
  }
}

/**
 * Both services from one BaseManager: the layers of every manager give a
 * BaseManager and, built on it, a Manager.
 *
 * @category layers
 * @since 0.1.0
 */
export const layerFromBase = <E, R>(
  base: Effect.Effect<BaseManagerShape, E, R>
): Layer.Layer<Manager | BaseManager, E, Exclude<R, Scope.Scope>> =>
  Layer.effectContext(Effect.map(base, (b) => Context.make(BaseManager, b).pipe(Context.add(Manager, make(b)))))
