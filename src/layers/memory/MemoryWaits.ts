/**
 * Waiting in this process's memory: a waiter is registered in one list of
 * waiters (a queue's getters, a lock's acquirers), a freeing operation wakes
 * the oldest ones, and a woken waiter's fiber resumes directly.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Option } from "effect"
import type { WaitRoom, Waiter } from "../../domain/Waiting.ts"

/** A waiter of the memory backend. @category models @since 0.1.0 */
export class MemoryWaiter implements Waiter {
  readonly id: string
  /** The list it is registered in, if any. */
  list: WaiterList | undefined = undefined
  /** The list that last woke it: where an unused wake-up goes back. */
  last: WaiterList | undefined = undefined
  /** Woken and not yet registered again. */
  woken = false
  resume: ((woken: boolean) => void) | undefined = undefined

  constructor(id: string) {
    this.id = id
  }
}

/**
 * The waiters of one kind on one object, oldest first.
 *
 * @category models
 * @since 0.1.0
 */
export class WaiterList {
  private readonly waiters = new Set<MemoryWaiter>()

  get size(): number {
    return this.waiters.size
  }

  /** Registers a waiter (a no-op when it already is, here). */
  add(waiter: Waiter | undefined): void {
    if (waiter === undefined) return
    const w = waiter as MemoryWaiter
    if (w.list === this) return
    w.list?.remove(w)
    w.list = this
    w.woken = false
    this.waiters.add(w)
  }

  remove(w: MemoryWaiter): void {
    if (this.waiters.delete(w)) w.list = undefined
  }

  /** Wakes up to `n` waiters, oldest first; gives how many. */
  notify(n = 1): number {
    // Take them all out first: a resumed fiber runs inline and may register here again.
    const chosen: Array<MemoryWaiter> = []
    for (const w of this.waiters) {
      if (chosen.length >= n) break
      chosen.push(w)
    }
    for (const w of chosen) {
      this.waiters.delete(w)
      w.list = undefined
      w.last = this
      w.woken = true
    }
    for (const w of chosen) w.resume?.(true)
    return chosen.length
  }

  notifyAll(): number {
    return this.notify(this.waiters.size)
  }

  /** Wakes every waiter and forgets them (the object is gone; their calls are being stopped). */
  clear(): void {
    this.notifyAll()
  }
}

/**
 * The memory backend's room.
 *
 * @category constructors
 * @since 0.1.0
 */
export const makeRoom = (): WaitRoom => {
  let next = 0
  return {
    waiter: () => new MemoryWaiter(String(++next)),
    wait: (waiter, timeoutMs) => {
      const w = waiter as MemoryWaiter
      const suspend = Effect.callback<boolean>((resume) => {
        if (w.woken) return resume(Effect.succeed(true))
        w.resume = (woken) => {
          w.resume = undefined
          resume(Effect.succeed(woken))
        }
        return Effect.sync(() => {
          w.resume = undefined
        })
      })
      if (timeoutMs === undefined) return suspend
      return Effect.map(Effect.timeoutOption(suspend, Duration.millis(Math.max(0, timeoutMs))), Option.getOrElse(() => false))
    },
    leave: (waiter) => {
      const w = waiter as MemoryWaiter
      if (w.list !== undefined) {
        w.list.remove(w)
        return
      }
      // Woken, and gone before it tried: the wake-up is the next waiter's.
      if (w.woken) {
        w.woken = false
        w.last?.notify(1)
      }
    }
  }
}
