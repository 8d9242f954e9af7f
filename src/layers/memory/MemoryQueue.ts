/**
 * A queue's state in this process's memory: an array with a moving head
 * (shift is O(1) amortized), the unfinished-task count, and its getters,
 * putters and joiners.
 *
 * @since 0.1.0
 */
import type { QueueState } from "../../domain/state/Queues.ts"
import { tokensInAll } from "../../domain/TokenWalk.ts"
import { equals } from "../../domain/values/Equality.ts"
import { NotYet, type Waiter } from "../../domain/Waiting.ts"
import { WaiterList } from "./MemoryWaits.ts"

/** @category models @since 0.1.0 */
export class MemoryQueue implements QueueState {
  readonly maxsize: number
  private items: Array<unknown> = []
  private head = 0
  private unfinished = 0
  private readonly getters = new WaiterList()
  private readonly putters = new WaiterList()
  private joiners: WaiterList | undefined = undefined

  constructor(maxsize: number) {
    this.maxsize = maxsize
  }

  size() {
    return this.items.length - this.head
  }

  tryPut(item: unknown, waiter: Waiter | undefined): true | NotYet {
    if (this.maxsize > 0 && this.size() >= this.maxsize) {
      this.putters.add(waiter)
      return NotYet
    }
    this.items.push(item)
    this.unfinished++
    this.getters.notify(1)
    return true
  }

  tryGet(waiter: Waiter | undefined): { readonly item: unknown } | NotYet {
    if (this.size() === 0) {
      this.getters.add(waiter)
      return NotYet
    }
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head++
    // Compact once the consumed prefix dominates.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    this.putters.notify(1)
    return { item }
  }

  taskDone(): "ok" | "too-many" {
    if (this.unfinished <= 0) return "too-many"
    this.unfinished--
    if (this.unfinished === 0) this.joiners?.notifyAll()
    return "ok"
  }

  tryJoin(waiter: Waiter | undefined): true | NotYet {
    if (this.unfinished === 0) return true
    ;(this.joiners ??= new WaiterList()).add(waiter)
    return NotYet
  }

  unget(item: unknown) {
    if (this.head > 0) this.items[--this.head] = item
    else this.items.unshift(item)
    this.getters.notify(1)
  }

  unput(item: unknown): boolean {
    for (let i = this.items.length - 1; i >= this.head; i--) {
      const candidate = this.items[i]
      if (candidate === item || equals(candidate, item)) {
        this.items.splice(i, 1)
        this.unfinished--
        if (this.unfinished === 0) this.joiners?.notifyAll()
        this.putters.notify(1)
        return true
      }
    }
    return false
  }

  children() {
    return tokensInAll(this.items.slice(this.head)).values()
  }
  describe() {
    return `<Queue maxsize=${this.maxsize} qsize=${this.size()}>`
  }
  snapshot() {
    return this.items.slice(this.head)
  }
  // Calls still waiting are stopped by the server when the object goes.
  dispose() {}
}
