/**
 * A FIFO queue with CPython's `queue.Queue` semantics: an optional maxsize,
 * blocking `put`/`get` with timeouts, `put_nowait`/`get_nowait`, and the
 * `task_done`/`join` protocol (the manager's Queue and JoinableQueue are both
 * this class, as in CPython's SyncManager).
 *
 * A blocked `get` that is cancelled consumes nothing; a blocked `put` that is
 * cancelled adds nothing. A `get` or `put` that completed after its caller
 * gave up is undone by its compensator (`__undo_get__` puts the item back at
 * the head, so order is kept; `__undo_put__` takes it out again).
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Effect as E } from "effect"
import { QueueEmpty, QueueFull, ValueError } from "../PythonErrors.ts"
import { equals } from "../values/Equality.ts"
import { queueTimeout } from "../Timeout.ts"
import { NotYet, retryUntil, TimedOut, Waiters } from "../Waiters.ts"

/** @since 0.1.0 */
export class Queue {
  readonly maxsize: number
  private items: Array<unknown> = []
  private head = 0
  private unfinishedTasks = 0
  private readonly notEmpty = new Waiters()
  private readonly notFull = new Waiters()
  private readonly allTasksDone = new Waiters()

  constructor(maxsize: unknown = 0) {
    this.maxsize = Number(maxsize ?? 0) || 0
  }

  qsize(): number {
    return this.items.length - this.head
  }
  empty(): boolean {
    return this.qsize() === 0
  }
  full(): boolean {
    return this.maxsize > 0 && this.qsize() >= this.maxsize
  }

  put(item: unknown, block: unknown = true, timeout: unknown = null): void | Effect.Effect<void, QueueFull> {
    // An unbounded queue never waits, so CPython never looks at its timeout.
    const wait = this.maxsize > 0 ? queueTimeout(block, timeout) : 0
    const attempt = (): true | NotYet => {
      if (this.full()) return NotYet
      this.push(item)
      return true
    }
    if (attempt() === true) return
    if (wait === 0) throw QueueFull.make()
    return E.flatMap(
      retryUntil(this.notFull, attempt, wait, () => this.__undo_put__(null, item)),
      (r) => (r === TimedOut ? E.fail(QueueFull.make()) : E.void)
    )
  }

  put_nowait(item: unknown): void | Effect.Effect<void, QueueFull> {
    return this.put(item, false)
  }

  get(block: unknown = true, timeout: unknown = null): unknown {
    const wait = queueTimeout(block, timeout)
    const attempt = (): unknown => (this.qsize() === 0 ? NotYet : this.shift())
    const first = attempt()
    if (first !== NotYet) return first
    if (wait === 0) throw QueueEmpty.make()
    return E.flatMap(
      retryUntil(this.notEmpty, attempt, wait, (item) => this.__undo_get__(item)),
      (r): Effect.Effect<unknown, QueueEmpty> => (r === TimedOut ? E.fail(QueueEmpty.make()) : E.succeed(r))
    )
  }

  get_nowait(): unknown {
    return this.get(false)
  }

  task_done(): void {
    if (this.unfinishedTasks <= 0) throw ValueError.make("task_done() called too many times")
    this.unfinishedTasks--
    if (this.unfinishedTasks === 0) this.allTasksDone.notifyAll()
  }

  join(): void | Effect.Effect<void> {
    if (this.unfinishedTasks === 0) return
    return E.asVoid(retryUntil(this.allTasksDone, () => (this.unfinishedTasks === 0 ? true : NotYet), undefined))
  }

  /** Gives back an item a cancelled `get` took: it goes to the head, where it was. */
  __undo_get__(item: unknown): string {
    if (this.head > 0) {
      this.items[--this.head] = item
    } else {
      this.items.unshift(item)
    }
    // Still unfinished: task_done counts it, as it did before the get.
    this.notEmpty.notify(1)
    return "undone"
  }

  /**
   * Takes back the item of a cancelled `put`, when nobody has taken it yet
   * (the newest equal item: equal items are indistinguishable to getters).
   */
  __undo_put__(_result: unknown, item: unknown): string {
    for (let i = this.items.length - 1; i >= this.head; i--) {
      const candidate = this.items[i]
      if (candidate === item || equals(candidate, item)) {
        this.items.splice(i, 1)
        this.unfinishedTasks--
        if (this.unfinishedTasks === 0) this.allTasksDone.notifyAll()
        this.notFull.notify(1)
        return "undone"
      }
    }
    return "irreversible"
  }

  toString(): string {
    return `<Queue maxsize=${this.maxsize} qsize=${this.qsize()}>`
  }

  private push(item: unknown): void {
    this.items.push(item)
    this.unfinishedTasks++
    this.notEmpty.notify(1)
  }

  private shift(): unknown {
    const item = this.items[this.head]
    this.items[this.head] = undefined
    this.head++
    // Compact once the consumed prefix dominates, keeping shift O(1) amortized.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    this.notFull.notify(1)
    return item
  }
}

/** The public methods CPython's AutoProxy exposes for `queue.Queue`. @since 0.1.0 */
export const queueExposed: ReadonlyArray<string> = [
  "empty",
  "full",
  "get",
  "get_nowait",
  "join",
  "put",
  "put_nowait",
  "qsize",
  "task_done"
]

/** How a completed Queue call that its caller gave up on is undone. @since 0.1.0 */
export const queueUndo: Readonly<Record<string, string>> = {
  get: "__undo_get__",
  get_nowait: "__undo_get__",
  put: "__undo_put__",
  put_nowait: "__undo_put__"
}
