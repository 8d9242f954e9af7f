/**
 * The types of CPython's SyncManager, as TypeDefs: how the server creates
 * each one (with CPython's exposed methods and keyword parameters, so stock
 * CPython clients work) and the typed proxy a Node client gets.
 *
 * @since 0.1.0
 */
import { Token } from "../domain/Token.ts"
import { TypeError } from "../domain/PythonErrors.ts"
import { acquirerExposed, acquirerUndo, Lock, RLock } from "../domain/types/Lock.ts"
import { Barrier, barrierExposed } from "../domain/types/Barrier.ts"
import { Condition, conditionExposed, conditionUndo } from "../domain/types/Condition.ts"
import { Dict, dictExposed } from "../domain/types/Dict.ts"
import { Event, eventExposed } from "../domain/types/Event.ts"
import { iteratorExposed } from "../domain/types/Iterator.ts"
import { List, listExposed } from "../domain/types/List.ts"
import { Namespace, namespaceExposed } from "../domain/types/Namespace.ts"
import { Queue, queueExposed, queueUndo } from "../domain/types/Queue.ts"
import { BoundedSemaphore, Semaphore } from "../domain/types/Semaphore.ts"
import { SharedSet, setExposed } from "../domain/types/SharedSet.ts"
import { TypedArray, arrayExposed } from "../domain/types/TypedArray.ts"
import { Value, valueExposed } from "../domain/types/Value.ts"
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
import type { TypeDef } from "../services/Registry.ts"

const acquirerParameters = {
  acquire: ["blocking", "timeout"],
  release: ["n"]
}

const queue: Omit<TypeDef<string, [maxsize?: number], QueueProxy>, "typeid"> = {
  create: (maxsize?: number) => new Queue(maxsize),
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
    create: (initial?: unknown, kwargs?: unknown) => new Dict(initial, kwargs),
    parameters: ["iterable", "**"],
    exposed: dictExposed,
    methodToTypeid: { __iter__: "Iterator" },
    methodParameters: { get: ["key", "default"], pop: ["key", "default"], setdefault: ["key", "default"], update: ["other", "**"] },
    pythonProxy: "DictProxy",
    makeProxy: (core) => new DictProxy(core)
  } satisfies TypeDef<"dict", [initial?: unknown], DictProxy> as TypeDef<"dict", [initial?: unknown], DictProxy>,
  list: {
    typeid: "list",
    create: (items?: Iterable<unknown>) => new List(items ?? null),
    parameters: ["sequence"],
    exposed: listExposed,
    methodToTypeid: { __iter__: "Iterator" },
    methodParameters: { index: ["value", "start", "stop"], pop: ["index"], sort: ["key", "reverse"], insert: ["index", "object"] },
    pythonProxy: "ListProxy",
    makeProxy: (core) => new ListProxy(core)
  } as TypeDef<"list", [items?: Iterable<unknown>], ListProxy>,
  set: {
    typeid: "set",
    create: (items?: Iterable<unknown>) => new SharedSet(items ?? null),
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
    create: () => new Lock(),
    exposed: acquirerExposed,
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new LockProxy(core)
  } as TypeDef<"Lock", [], LockProxy>,
  RLock: {
    typeid: "RLock",
    create: () => new RLock(),
    exposed: acquirerExposed,
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new RLockProxy(core)
  } as TypeDef<"RLock", [], RLockProxy>,
  Semaphore: {
    typeid: "Semaphore",
    create: (value?: number) => new Semaphore(value),
    parameters: ["value"],
    exposed: [...acquirerExposed, "get_value"],
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new SemaphoreProxy(core)
  } as TypeDef<"Semaphore", [value?: number], SemaphoreProxy>,
  BoundedSemaphore: {
    typeid: "BoundedSemaphore",
    create: (value?: number) => new BoundedSemaphore(value),
    parameters: ["value"],
    exposed: [...acquirerExposed, "get_value"],
    undo: acquirerUndo,
    methodParameters: acquirerParameters,
    pythonProxy: "AcquirerProxy",
    makeProxy: (core) => new SemaphoreProxy(core)
  } as TypeDef<"BoundedSemaphore", [value?: number], SemaphoreProxy>,
  Condition: {
    typeid: "Condition",
    // The lock arrives as a proxy's token; the server resolves it to the shared lock.
    create: (lock?: unknown) => {
      if (lock === null || lock === undefined) return new Condition()
      if (lock instanceof Lock || lock instanceof RLock) return new Condition(lock)
      if (lock instanceof Token) throw TypeError.make(`Condition lock ${lock.id} is not a live Lock or RLock of this manager`)
      throw TypeError.make("Condition() takes a Lock or RLock")
    },
    parameters: ["lock"],
    resolveArguments: true,
    exposed: conditionExposed,
    undo: conditionUndo,
    methodParameters: { ...acquirerParameters, wait: ["timeout"], notify: ["n"] },
    pythonProxy: "ConditionProxy",
    makeProxy: (core) => new ConditionProxy(core)
  } as TypeDef<"Condition", [lock?: LockProxy | RLockProxy], ConditionProxy>,
  Event: {
    typeid: "Event",
    create: () => new Event(),
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
      return new Barrier(parties, { timeout: timeout ?? null })
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
    create: (typecode: string, value: unknown, lock?: unknown) => new Value(typecode, value, lock),
    parameters: ["typecode", "value", "lock"],
    exposed: valueExposed,
    pythonProxy: "ValueProxy",
    makeProxy: (core) => new ValueProxy(core)
  } as TypeDef<"Value", [typecode: string, value: unknown], ValueProxy>,
  Array: {
    typeid: "Array",
    create: (typecode: string, sequence: Iterable<unknown> | number, lock?: unknown) => new TypedArray(typecode, sequence, lock),
    parameters: ["typecode", "sequence", "lock"],
    exposed: arrayExposed,
    pythonProxy: "ArrayProxy",
    makeProxy: (core) => new ArrayProxy(core)
  } as TypeDef<"Array", [typecode: string, sequence: Iterable<number | bigint | string> | number], ArrayProxy>,
  Namespace: {
    typeid: "Namespace",
    create: (attributes?: Record<string, unknown>) => new Namespace(attributes ?? null),
    parameters: ["**"],
    exposed: namespaceExposed,
    pythonProxy: "NamespaceProxy",
    makeProxy: (core) => new NamespaceProxy(core)
  } as TypeDef<"Namespace", [attributes?: Record<string, unknown>], NamespaceProxy>,
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
export const referent = <K extends Exclude<keyof typeof types, "Iterator">>(
  typeid: K,
  ...args: typeof types[K] extends TypeDef<any, infer A, any> ? A : never
): object => (types[typeid].create as (...args: ReadonlyArray<unknown>) => object)(...args)
