/**
 * Locks and semaphores in this process's memory: the owner and level of a
 * Lock or RLock, a semaphore's value and what each session holds of it, and
 * their acquirers.
 *
 * @since 0.1.0
 */
import type { Caller } from "../../domain/Referent.ts"
import type { LockState, SemaphoreState } from "../../domain/state/Locks.ts"
import { NotYet, type Waiter } from "../../domain/Waiting.ts"
import { WaiterList } from "./MemoryWaits.ts"

/** A Lock (`reentrant` false) or an RLock. @category models @since 0.1.0 */
export class MemoryLock implements LockState {
  readonly reentrant: boolean
  private owner: Caller | undefined = undefined
  private level = 0
  private readonly acquirers = new WaiterList()
  private readonly onDispose: (() => void) | undefined

  constructor(reentrant: boolean, onDispose?: () => void) {
    this.reentrant = reentrant
    this.onDispose = onDispose
  }

  private free(caller: Caller): boolean {
    return this.level === 0 || this.reentrant && this.owner?.key === caller.key
  }

  private unlock(): void {
    this.owner = undefined
    this.level = 0
    this.acquirers.notify(1)
  }

  tryAcquire(caller: Caller, waiter: Waiter | undefined): true | NotYet {
    if (!this.free(caller)) {
      this.acquirers.add(waiter)
      return NotYet
    }
    this.owner = caller
    this.level++
    return true
  }

  release(caller: Caller): "released" | "unlocked" | "not-owner" {
    if (this.level === 0) return "unlocked"
    // A plain Lock may be released by anyone, as in CPython.
    if (this.reentrant && this.owner?.key !== caller.key) return "not-owner"
    if (--this.level === 0) this.unlock()
    return "released"
  }

  releaseAll(caller: Caller): number {
    if (this.level === 0 || this.owner?.key !== caller.key) return 0
    const levels = this.level
    this.unlock()
    return levels
  }

  tryRestore(caller: Caller, levels: number, waiter: Waiter | undefined): true | NotYet {
    if (!this.free(caller)) {
      this.acquirers.add(waiter)
      return NotYet
    }
    this.owner = caller
    this.level = this.reentrant ? levels : 1
    return true
  }

  locked() {
    return this.level > 0
  }
  ownedBy(caller: Caller) {
    return this.level > 0 && this.owner?.key === caller.key
  }
  releaseSession(session: string) {
    if (this.level > 0 && this.owner?.session === session) this.unlock()
  }
  children() {
    return []
  }
  describe() {
    return this.reentrant
      ? `<RLock owner=${this.owner?.key ?? "None"} count=${this.level}>`
      : `<Lock ${this.level > 0 ? "locked" : "unlocked"}>`
  }
  snapshot() {
    return this.level > 0
  }
  dispose() {
    this.onDispose?.()
  }
}

/** A Semaphore, bounded by `bound` when given. @category models @since 0.1.0 */
export class MemorySemaphore implements SemaphoreState {
  readonly bound: number | undefined
  private current: number
  private readonly heldBySession = new Map<string, number>()
  private readonly acquirers = new WaiterList()
  private readonly onDispose: (() => void) | undefined

  constructor(initial: number, bound: number | undefined, onDispose?: () => void) {
    this.current = initial
    this.bound = bound
    this.onDispose = onDispose
  }

  // Permits a session took go back; each wakes an acquirer.
  private giveBack(session: string, n: number): void {
    const held = this.heldBySession.get(session) ?? 0
    const left = held - Math.min(held, n)
    if (left === 0) this.heldBySession.delete(session)
    else this.heldBySession.set(session, left)
    this.current += n
    this.acquirers.notify(n)
  }

  tryAcquire(session: string, waiter: Waiter | undefined): true | NotYet {
    if (this.current <= 0) {
      this.acquirers.add(waiter)
      return NotYet
    }
    this.current--
    this.heldBySession.set(session, (this.heldBySession.get(session) ?? 0) + 1)
    return true
  }

  release(session: string, n: number): "released" | "over-bound" {
    if (this.bound !== undefined && this.current + n > this.bound) return "over-bound"
    this.giveBack(session, n)
    return "released"
  }

  value() {
    return this.current
  }
  releaseSession(session: string) {
    const held = this.heldBySession.get(session)
    if (held !== undefined) this.giveBack(session, held)
  }
  children() {
    return []
  }
  describe() {
    return `<${this.bound === undefined ? "Semaphore" : "BoundedSemaphore"} value=${this.current}>`
  }
  snapshot() {
    return this.current
  }
  dispose() {
    this.onDispose?.()
  }
}
