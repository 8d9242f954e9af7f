/**
 * Event, Condition and Barrier in this process's memory: a flag, a
 * condition's waiters over its lock's state, and a barrier's passes.
 *
 * @since 0.1.0
 */
import type { Caller } from "../../domain/Referent.ts"
import type { LockState } from "../../domain/state/Locks.ts"
import type { BarrierState, ConditionState, EventState, PassOutcome } from "../../domain/state/Signals.ts"
import { NotYet, type Waiter } from "../../domain/Waiting.ts"
import { WaiterList } from "./MemoryWaits.ts"

/** @category models @since 0.1.0 */
export class MemoryEvent implements EventState {
  private flag = false
  private readonly waiters = new WaiterList()

  isSet() {
    return this.flag
  }
  set() {
    this.flag = true
    this.waiters.notifyAll()
  }
  clear() {
    this.flag = false
  }
  tryWait(waiter: Waiter | undefined): true | NotYet {
    if (this.flag) return true
    this.waiters.add(waiter)
    return NotYet
  }
  children() {
    return []
  }
  describe() {
    return `<Event ${this.flag ? "set" : "unset"}>`
  }
  snapshot() {
    return this.flag
  }
  dispose() {}
}

/** @category models @since 0.1.0 */
export class MemoryCondition implements ConditionState {
  readonly lock: LockState
  private readonly waiters = new WaiterList()
  private readonly ownsLock: boolean

  constructor(lock: LockState, ownsLock = false) {
    this.lock = lock
    this.ownsLock = ownsLock
  }

  releaseAndWait(caller: Caller, waiter: Waiter): number {
    // A plain Lock has no owner: the caller releases it as anyone may.
    const levels = this.lock.reentrant ? this.lock.releaseAll(caller) as number : (this.lock.release(caller), 1)
    this.waiters.add(waiter)
    return levels
  }
  notify(n: number) {
    this.waiters.notify(n)
  }
  notifyAll() {
    this.waiters.notifyAll()
  }
  waiting() {
    return this.waiters.size
  }
  children() {
    return []
  }
  describe() {
    return `<Condition(${this.lock.describe() as string}, ${this.waiters.size})>`
  }
  snapshot() {
    return this.waiters.size
  }
  dispose() {
    if (this.ownsLock) this.lock.dispose()
  }
}

// Outcomes of passes kept for waiters that have not looked yet; older ones were looked at long ago.
const keptPasses = 64

/** @category models @since 0.1.0 */
export class MemoryBarrier implements BarrierState {
  readonly parties: number
  private current = 0
  private arrived = 0
  private isBroken = false
  private readonly outcomes = new Map<number, PassOutcome>()
  private readonly lists = new Map<number, WaiterList>()

  constructor(parties: number) {
    this.parties = parties
  }

  private listOf(pass: number): WaiterList {
    let l = this.lists.get(pass)
    if (l === undefined) this.lists.set(pass, (l = new WaiterList()))
    return l
  }

  private end(pass: number, outcome: PassOutcome): void {
    this.outcomes.set(pass, outcome)
    this.outcomes.delete(pass - keptPasses)
    const l = this.lists.get(pass)
    this.lists.delete(pass)
    if (pass === this.current) {
      this.current++
      this.arrived = 0
    }
    l?.notifyAll()
  }

  arrive(waiter: Waiter) {
    if (this.isBroken) return "broken" as const
    const index = this.arrived++
    if (this.arrived === this.parties) return { pass: this.current, index, last: true }
    this.listOf(this.current).add(waiter)
    return { pass: this.current, index, last: false }
  }
  release(pass: number) {
    if (pass === this.current) this.end(pass, "released")
  }
  breakPass(pass: number) {
    this.isBroken = true
    if (pass === this.current) this.end(pass, "broken")
  }
  outcome(pass: number, waiter: Waiter | undefined): PassOutcome | NotYet {
    const o = this.outcomes.get(pass)
    if (o !== undefined) return o
    if (pass !== this.current) return "released"
    this.listOf(pass).add(waiter)
    return NotYet
  }
  leave(pass: number) {
    if (pass === this.current && this.arrived > 0) this.arrived--
  }
  abort() {
    this.isBroken = true
    if (this.arrived > 0) this.end(this.current, "broken")
  }
  reset() {
    if (this.arrived > 0) this.end(this.current, "broken")
    else this.current++
    this.isBroken = false
  }
  waiting() {
    return this.isBroken ? 0 : this.arrived
  }
  broken() {
    return this.isBroken
  }
  children() {
    return []
  }
  describe() {
    return `<Barrier parties=${this.parties} waiting=${this.waiting()}${this.isBroken ? " broken" : ""}>`
  }
  snapshot() {
    return { parties: this.parties, waiting: this.waiting(), broken: this.isBroken }
  }
  dispose() {}
}
