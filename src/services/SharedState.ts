/**
 * Where SyncManager's shared objects keep their state, and how its
 * operations are done atomically: in this process's memory
 * (`MemorySharedState`), or in a remote store such as Redis. The shared
 * types (`domain/types`) are written once over the state interfaces of
 * `domain/state`; a backend implements those interfaces, the room its
 * waiters wait in, and what a session that ended still holds.
 *
 * A factory gets the id of the object it is making from {@link NewObject},
 * so a backend can key the state by it (a remote store's keys), and a
 * Condition can find its lock's state by the lock's id.
 *
 * @since 0.1.0
 */
import { Context } from "effect"
import type { Eventually } from "../domain/Eventually.ts"
import type { ArrayState, CellState, DictState, Entry, ListState, NamespaceState, SetState } from "../domain/state/Containers.ts"
import type { LockState, SemaphoreState } from "../domain/state/Locks.ts"
import type { QueueState } from "../domain/state/Queues.ts"
import type { BarrierState, ConditionState, EventState } from "../domain/state/Signals.ts"
import type { WaitRoom } from "../domain/Waiting.ts"

/**
 * A backend for SyncManager's types.
 *
 * @category models
 * @since 0.1.0
 */
export interface SharedStateShape {
  /** `memory`, `redis`, ...: what `debugInfo` and logs call it. */
  readonly name: string
  /** Where this backend's waiters wait. */
  readonly waits: WaitRoom
  readonly dict: (id: string, entries: ReadonlyArray<Entry>) => Eventually<DictState>
  readonly list: (id: string, items: ReadonlyArray<unknown>) => Eventually<ListState>
  readonly set: (id: string, items: ReadonlyArray<unknown>) => Eventually<SetState>
  readonly namespace: (id: string, entries: ReadonlyArray<readonly [string, unknown]>) => Eventually<NamespaceState>
  readonly cell: (id: string, typecode: string, value: unknown) => Eventually<CellState>
  readonly array: (id: string, typecode: string, items: ReadonlyArray<number | bigint | string>) => Eventually<ArrayState>
  readonly queue: (id: string, maxsize: number) => Eventually<QueueState>
  readonly lock: (id: string, reentrant: boolean) => Eventually<LockState>
  readonly semaphore: (id: string, value: number, bound: number | undefined) => Eventually<SemaphoreState>
  readonly event: (id: string) => Eventually<EventState>
  /** A Condition over `lock`, or over an RLock of its own (made, and disposed, with it). */
  readonly condition: (id: string, lock: LockState | undefined) => Eventually<ConditionState>
  readonly barrier: (id: string, parties: number) => Eventually<BarrierState>
  /** The state of the live Lock or RLock `id` (a Condition's lock), if it is one. */
  readonly lockOf: (id: string) => Eventually<LockState | undefined>
  /** Releases what the callers of `session` hold in every state of this backend (its lease expired). */
  readonly releaseSession: (session: string) => Eventually<void>
}

/**
 * The backend SyncManager's types keep their state in.
 *
 * @category services
 * @since 0.1.0
 */
export class SharedState extends Context.Service<SharedState, SharedStateShape>()("effect-managers/SharedState") {}

/**
 * The object a factory is making: the id the server has given it.
 *
 * @category services
 * @since 0.1.0
 */
export class NewObject extends Context.Service<NewObject, { readonly id: string; readonly typeid: string }>()(
  "effect-managers/NewObject"
) {}
