/**
 * SyncManager's typed constructors (`m.list()`, `m.Queue()`, ...) in terms of
 * one `create(typeid, args)`: the arguments each type is created with are
 * CPython's, so both our client and the client of CPython managers share them.
 * The dialects differ only in how a dict's initial value and a Namespace's
 * attributes travel, so those two stay with each client.
 *
 * @since 0.1.0
 */
import type { Effect, Scope } from "effect"
import { toSeconds } from "../../proxy/Timeouts.ts"
import type { ManagerShape } from "../../services/Manager.ts"

/** @since 0.1.0 */
export type SyncConstructors = Pick<
  ManagerShape,
  | "list" | "set" | "Queue" | "JoinableQueue" | "Lock" | "RLock" | "Semaphore" | "BoundedSemaphore"
  | "Condition" | "Event" | "Barrier" | "Value" | "Array"
>

/**
 * The constructors, given how a client creates a shared object.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { syncConstructors } from "./SyncConstructors.ts"
 *
 * // A client's list, Queue, Lock, ... given its create (this one names what it would create).
 * const { Queue } = syncConstructors((typeid, args) => Effect.die(`would create ${typeid}(${args.join(", ")})`))
 * const program = Queue({ maxsize: 10 })
 * ```
 *
 * @since 0.1.0
 */
export const syncConstructors = (
  create: (typeid: string, args: ReadonlyArray<unknown>) => Effect.Effect<any, any, Scope.Scope>
): SyncConstructors => ({
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
  Array: (typecode, sequence) => create("Array", [typecode, typeof sequence === "number" ? sequence : [...sequence]])
})
