/**
 * The types of CPython's SyncManager, as TypeDefs: how the server creates
 * each one (with CPython's exposed methods and keyword parameters, so stock
 * CPython clients work) and the typed proxy a Node client gets.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Eventually, map, toEffect } from "../domain/Eventually.ts"
import { Token } from "../domain/Token.ts"
import { TypeError } from "../domain/PythonErrors.ts"
import { acquirerExposed, acquirerUndo, Lock, RLock } from "../domain/types/Lock.ts"
import { Barrier, barrierExposed, checkParties } from "../domain/types/Barrier.ts"
import { Condition, conditionExposed, conditionUndo } from "../domain/types/Condition.ts"
import { Dict, dictExposed, initialEntries } from "../domain/types/Dict.ts"
import { Event, eventExposed } from "../domain/types/Event.ts"
import { iteratorExposed } from "../domain/types/Iterator.ts"
import { initialItems, List, listExposed } from "../domain/types/List.ts"
import { initialAttributes, Namespace, namespaceExposed } from "../domain/types/Namespace.ts"
import { Queue, queueExposed, queueUndo } from "../domain/types/Queue.ts"
import { BoundedSemaphore, initialValue, Semaphore } from "../domain/types/Semaphore.ts"
import { initialSetItems, SharedSet, setExposed } from "../domain/types/SharedSet.ts"
import { arrayExposed, checkTypecode, initialArrayItems, TypedArray } from "../domain/types/TypedArray.ts"
import { Value, valueExposed } from "../domain/types/Value.ts"
import { PoolTerminated, TaskError, WorkerCrashed } from "../domain/PoolErrors.ts"
import { BarrierProxy } from "../proxy/BarrierProxy.ts"
import { ConditionProxy } from "../proxy/ConditionProxy.ts"
import { DictProxy } from "../proxy/DictProxy.ts"
import { EventProxy } from "../proxy/EventProxy.ts"
import { IteratorProxy } from "../proxy/IteratorProxy.ts"
import { ListProxy } from "../proxy/ListProxy.ts"
import { LockProxy, RLockProxy, SemaphoreProxy } from "../proxy/AcquirerProxy.ts"
import { NamespaceProxy } from "../proxy/NamespaceProxy.ts"
import { QueueProxy } from "../proxy/QueueProxy.ts"
import { SetProxy } from "../proxy/SetProxy.ts"
import { ArrayProxy, ValueProxy } from "../proxy/ValueProxy.ts"
import { AsyncResultProxy, PoolProxy } from "../proxy/PoolProxy.ts"
import { LocalObjects } from "../services/LocalObjects.ts"
import type { TypeDef } from "../services/Registry.ts"
import { NewObject, SharedState, type SharedStateShape } from "../services/SharedState.ts"
import * as MemorySharedState from "./memory/MemorySharedState.ts"
import { Pool, poolExposed } from "./pool/Pool.ts"
import { settingsOf } from "./pool/PoolSettings.ts"
import { ModuleLoadError } from "./process/ModuleExport.ts"

// A factory's state comes from the server's backend, keyed by the id the server gave the object.
const made = <R>(f: (backend: SharedStateShape, id: string) => Eventually<R>): Effect.Effect<R, never, SharedState | NewObject> =>
  Effect.flatMap(Effect.service(SharedState), (backend) => Effect.flatMap(Effect.service(NewObject), ({ id }) => toEffect(f(backend, id))))

const acquirerParameters = {
  acquire: ["blocking", "timeout"],
  release: ["n"]
}

const queue: Omit<TypeDef<string, [maxsize?: number], QueueProxy>, "typeid"> = {
  create: (maxsize?: number) => {
    const bound = Number(maxsize ?? 0) || 0
    return made((b, id) => map(b.queue(id, bound), (state) => new Queue(state, b.waits)))
  },
  parameters: ["maxsize"],
  exposed: queueExposed,
  undo: queueUndo,
  methodParameters: {
    put: ["item", "block", "timeout"],
    put_nowait: ["item"],
    get: ["block", "timeout"]
  },
  makeProxy: (core) => new QueueProxy(core)
}

/**
 * Every SyncManager type by typeid.
 *
 * @category registry
 * @since 0.1.0
 */
export const types = {
  dict: {
    typeid: "dict",
    create: (initial?: unknown, kwargs?: unknown) => {
      const entries = initialEntries(initial, kwargs)
      return made((b, id) => map(b.dict(id, entries), (state) => new Dict(state)))
    },
    parameters: ["iterable", "**"],
    exposed: dictExposed,
    methodToTypeid: { __iter__: "Iterator" },
    methodParameters: { get: ["key", "default"], pop: ["key", "default"], setdefault: ["key", "default"], update: ["other", "**"] },
    pythonProxy: "DictProxy",
    makeProxy: (core) => new DictProxy(core)
  } satisfies TypeDef<"dict", [initial?: unknown], DictProxy> as TypeDef<"dict", [initial?: unknown], DictProxy>,
  list: {
    typeid: "list",
    create: (items?: Iterable<unknown>) => {
      const initial = initialItems(items)
      return made((b, id) => map(b.list(id, initial), (state) => new List(state)))
    },
    parameters: ["sequence"],
    exposed: listExposed,
    methodToTypeid: { __iter__: "Iterator" },
    methodParameters: { index: ["value", "start", "stop"], pop: ["index"], sort: ["key", "reverse"], insert: ["index", "object"] },
    pythonProxy: "ListProxy",
    makeProxy: (core) => new ListProxy(core)
  } as TypeDef<"list", [items?: Iterable<unknown>], ListProxy>,
  set: {
    typeid: "set",
    create: (items?: Iterable<unknown>) => {
      const initial = initialSetItems(items)
      return made((b, id) => map(b.set(id, initial), (state) => new SharedSet(state)))
    },
    parameters: ["iterable"],
    exposed: setExposed,
    methodToTypeid: { __iter__: "Iterator" },
    pythonProxy: "SetProxy",
    makeProxy: (core) => new SetProxy(core)
  } as TypeDef<"set", [items?: Iterable<unknown>], SetProxy>,
  Queue: { typeid: "Queue", ...queue } as TypeDef<"Queue", [maxsize?: number], QueueProxy>,
  JoinableQueue: { typeid: "JoinableQueue", ...queue } as TypeDef<"JoinableQueue", [maxsize?: number], QueueProxy>,
  Lock: {
    typeid: "Lock",
    create: () => made((b, id) => map(b.lock(id, false), (state) => new Lock(state, b.waits))),
    exposed: acquirerExposed,
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new LockProxy(core)
  } as TypeDef<"Lock", [], LockProxy>,
  RLock: {
    typeid: "RLock",
    create: () => made((b, id) => map(b.lock(id, true), (state) => new RLock(state, b.waits))),
    exposed: acquirerExposed,
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new RLockProxy(core)
  } as TypeDef<"RLock", [], RLockProxy>,
  Semaphore: {
    typeid: "Semaphore",
    create: (value?: number) => {
      const n = initialValue(value)
      return made((b, id) => map(b.semaphore(id, n, undefined), (state) => new Semaphore(state, b.waits)))
    },
    parameters: ["value"],
    exposed: [...acquirerExposed, "get_value"],
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new SemaphoreProxy(core)
  } as TypeDef<"Semaphore", [value?: number], SemaphoreProxy>,
  BoundedSemaphore: {
    typeid: "BoundedSemaphore",
    create: (value?: number) => {
      const n = initialValue(value)
      return made((b, id) => map(b.semaphore(id, n, n), (state) => new BoundedSemaphore(state, b.waits)))
    },
    parameters: ["value"],
    exposed: [...acquirerExposed, "get_value"],
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new SemaphoreProxy(core)
  } as TypeDef<"BoundedSemaphore", [value?: number], SemaphoreProxy>,
  Condition: {
    typeid: "Condition",
    // The lock arrives as a proxy's token: its state is found by the lock's id.
    create: (lock?: unknown) => {
      if (lock !== null && lock !== undefined && !(lock instanceof Token)) throw TypeError.make("Condition() takes a Lock or RLock")
      return made((b, id) =>
        map(lock instanceof Token ? b.lockOf(lock.id) : undefined, (found) => {
          if (lock instanceof Token && found === undefined) {
            throw TypeError.make(`Condition lock ${lock.id} is not a live Lock or RLock of this manager`)
          }
          return map(b.condition(id, found), (state) => new Condition(state, b.waits))
        })
      )
    },
    parameters: ["lock"],
    exposed: conditionExposed,
    undo: conditionUndo,
    methodParameters: { ...acquirerParameters, wait: ["timeout"], notify: ["n"] },
    pythonProxy: "ConditionProxy",
    makeProxy: (core) => new ConditionProxy(core)
  } as TypeDef<"Condition", [lock?: LockProxy | RLockProxy], ConditionProxy>,
  Event: {
    typeid: "Event",
    create: () => made((b, id) => map(b.event(id), (state) => new Event(state, b.waits))),
    exposed: eventExposed,
    methodParameters: { wait: ["timeout"] },
    pythonProxy: "EventProxy",
    makeProxy: (core) => new EventProxy(core)
  } as TypeDef<"Event", [], EventProxy>,
  Barrier: {
    typeid: "Barrier",
    create: (parties: number, action?: unknown, timeout?: number | null) => {
      if (action !== null && action !== undefined) {
        throw TypeError.make("a Barrier action cannot cross the wire: register a Barrier type with its action on the server")
      }
      const n = checkParties(parties)
      return made((b, id) => map(b.barrier(id, n), (state) => new Barrier(state, b.waits, { timeout: timeout ?? null })))
    },
    parameters: ["parties", "action", "timeout"],
    exposed: barrierExposed,
    // A party that passed released the others: that cannot be taken back.
    undo: { wait: null },
    methodParameters: { wait: ["timeout"] },
    pythonProxy: "BarrierProxy",
    makeProxy: (core) => new BarrierProxy(core)
  } as TypeDef<"Barrier", [parties: number, action?: null, timeout?: number | null], BarrierProxy>,
  Value: {
    typeid: "Value",
    create: (typecode: string, value: unknown, _lock?: unknown) => {
      const code = String(typecode)
      return made((b, id) => map(b.cell(id, code, value ?? null), (state) => new Value(state)))
    },
    parameters: ["typecode", "value", "lock"],
    exposed: valueExposed,
    pythonProxy: "ValueProxy",
    makeProxy: (core) => new ValueProxy(core)
  } as TypeDef<"Value", [typecode: string, value: unknown], ValueProxy>,
  Array: {
    typeid: "Array",
    create: (typecode: string, sequence: Iterable<unknown> | number, _lock?: unknown) => {
      const code = checkTypecode(typecode)
      const items = initialArrayItems(code, sequence)
      return made((b, id) => map(b.array(id, code, items), (state) => new TypedArray(state)))
    },
    parameters: ["typecode", "sequence", "lock"],
    exposed: arrayExposed,
    pythonProxy: "ArrayProxy",
    makeProxy: (core) => new ArrayProxy(core)
  } as TypeDef<"Array", [typecode: string, sequence: Iterable<number | bigint | string> | number], ArrayProxy>,
  Namespace: {
    typeid: "Namespace",
    create: (attributes?: Record<string, unknown>) => {
      const initial = initialAttributes(attributes ?? null)
      return made((b, id) => map(b.namespace(id, initial), (state) => new Namespace(state)))
    },
    parameters: ["**"],
    exposed: namespaceExposed,
    pythonProxy: "NamespaceProxy",
    makeProxy: (core) => new NamespaceProxy(core)
  } as TypeDef<"Namespace", [attributes?: Record<string, unknown>], NamespaceProxy>,
  Pool: {
    typeid: "Pool",
    // CPython's arguments by position, then ours by keyword (module, workers).
    create: (processes?: unknown, initializer?: unknown, initargs?: unknown, maxtasksperchild?: unknown, context?: unknown, module?: unknown, workers?: unknown) => {
      const settings = settingsOf({ processes, initializer, initargs, maxtasksperchild, context, module, workers })
      return Effect.flatMap(Effect.service(LocalObjects), (local) =>
        Effect.flatMap(Effect.service(NewObject), ({ id }) => Pool.make(settings, local, id)))
    },
    parameters: ["processes", "initializer", "initargs", "maxtasksperchild", "context", "module", "workers"],
    exposed: poolExposed,
    methodToTypeid: {
      apply_async: "AsyncResult",
      map_async: "AsyncResult",
      starmap_async: "AsyncResult",
      imap: "Iterator",
      imap_unordered: "Iterator"
    },
    methodParameters: {
      apply: ["func", "args", "kwds"],
      apply_async: ["func", "args", "kwds", "callback", "error_callback"],
      map: ["func", "iterable", "chunksize"],
      map_async: ["func", "iterable", "chunksize", "callback", "error_callback"],
      starmap: ["func", "iterable", "chunksize"],
      starmap_async: ["func", "iterable", "chunksize", "callback", "error_callback"],
      imap: ["func", "iterable", "chunksize"],
      imap_unordered: ["func", "iterable", "chunksize"]
    },
    // A task that ran cannot be taken back; one that had not started is withdrawn while its caller waits.
    undo: { apply: null, map: null, starmap: null, apply_async: null, map_async: null, starmap_async: null, imap: null, imap_unordered: null },
    pythonProxy: "PoolProxy",
    errors: [WorkerCrashed, PoolTerminated, TaskError, ModuleLoadError],
    makeProxy: (core) => new PoolProxy(core)
  } as TypeDef<"Pool", [processes?: number | null], PoolProxy>,
  AsyncResult: {
    typeid: "AsyncResult",
    exposed: ["get", "ready", "successful", "wait"],
    methodParameters: { get: ["timeout"], wait: ["timeout"] },
    createMethod: false,
    errors: [WorkerCrashed, PoolTerminated, TaskError],
    makeProxy: (core) => new AsyncResultProxy(core)
  } as TypeDef<"AsyncResult", [], AsyncResultProxy>,
  Iterator: {
    typeid: "Iterator",
    exposed: iteratorExposed,
    createMethod: false,
    pythonProxy: "IteratorProxy",
    makeProxy: (core) => new IteratorProxy(core)
  } as TypeDef<"Iterator", [], IteratorProxy>
}

/** The SyncManager types, for `Registry.layer`. @category registry @since 0.1.0 */
export const all: ReadonlyArray<TypeDef> = Object.values(types)

/**
 * A server-side object of a SyncManager type, made here, to serve under a
 * typeid of your own: one shared object that every client of that typeid
 * gets (CPython's `register('get_queue', callable=lambda: queue)`).
 *
 * @example
 * ```ts
 * import { Registry, SyncManager } from "effect-managers"
 *
 * const theQueue = SyncManager.referent("Queue")
 * export const types = [Registry.alias("get_queue", SyncManager.types.Queue, () => theQueue)]
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const referent = <K extends Exclude<keyof typeof types, "Iterator" | "AsyncResult" | "Pool">>(
  typeid: K,
  ...args: typeof types[K] extends TypeDef<any, infer A, any> ? A : never
): object => {
  const made = (types[typeid].create as (...args: ReadonlyArray<unknown>) => unknown)(...args)
  // Kept in this process's memory, by a backend of its own.
  return Effect.runSync(
    (made as Effect.Effect<object, never, SharedState | NewObject>).pipe(
      Effect.provideService(SharedState, MemorySharedState.make()),
      Effect.provideService(NewObject, { id: `${typeid}-referent`, typeid })
    )
  )
}
