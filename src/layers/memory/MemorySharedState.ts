/**
 * The SharedState backend in this process's memory: every operation a plain
 * method call, every waiter a fiber resumed directly. It knows its locks and
 * semaphores by id, to find a Condition's lock and to give back what a
 * session's callers held when the session's lease expires.
 *
 * @since 0.1.0
 */
import { Effect, Layer } from "effect"
import type { LockState, SemaphoreState } from "../../domain/state/Locks.ts"
import { SharedState, type SharedStateShape } from "../../services/SharedState.ts"
import { MemoryArray, MemoryCell, MemoryDict, MemoryList, MemoryNamespace, MemorySet } from "./MemoryContainers.ts"
import { MemoryLock, MemorySemaphore } from "./MemoryLocks.ts"
import { MemoryQueue } from "./MemoryQueue.ts"
import { MemoryBarrier, MemoryCondition, MemoryEvent } from "./MemorySignals.ts"
import { makeRoom } from "./MemoryWaits.ts"

/**
 * A memory backend of its own.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (): SharedStateShape => {
  const locks = new Map<string, LockState>()
  const semaphores = new Map<string, SemaphoreState>()
  return {
    name: "memory",
    waits: makeRoom(),
    dict: (_id, entries) => new MemoryDict(entries),
    list: (_id, items) => new MemoryList(items),
    set: (_id, items) => new MemorySet(items),
    namespace: (_id, entries) => new MemoryNamespace(entries),
    cell: (_id, typecode, value) => new MemoryCell(typecode, value),
    array: (_id, typecode, items) => new MemoryArray(typecode, items),
    queue: (_id, maxsize) => new MemoryQueue(maxsize),
    lock: (id, reentrant) => {
      const lock = new MemoryLock(reentrant, () => locks.delete(id))
      locks.set(id, lock)
      return lock
    },
    semaphore: (id, value, bound) => {
      const semaphore = new MemorySemaphore(value, bound, () => semaphores.delete(id))
      semaphores.set(id, semaphore)
      return semaphore
    },
    event: () => new MemoryEvent(),
    condition: (id, lock) => {
      if (lock !== undefined) return new MemoryCondition(lock)
      // Its own lock is known by the condition's id, so that its session is released too.
      const own = new MemoryLock(true, () => locks.delete(`${id}/lock`))
      locks.set(`${id}/lock`, own)
      return new MemoryCondition(own, true)
    },
    barrier: (_id, parties) => new MemoryBarrier(parties),
    lockOf: (id) => locks.get(id),
    releaseSession: (session) => {
      for (const lock of locks.values()) lock.releaseSession(session)
      for (const semaphore of semaphores.values()) semaphore.releaseSession(session)
    }
  }
}

/**
 * SharedState in this process's memory.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<SharedState> = Layer.effect(SharedState, Effect.sync(make))
