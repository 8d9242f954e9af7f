/**
 * The iterator of `imap` and `imap_unordered` (CPython's `IMapIterator`):
 * each `__next__` gives the next task's result as soon as it has come back,
 * in the order of the inputs (`imap`) or of completion (`imap_unordered`),
 * and StopIteration after the last. A chunk that failed gives its error once,
 * where its results would have been; iteration goes on after it.
 *
 * Waiting is the only part that can be interrupted: an interrupted `__next__`
 * takes nothing, and the result stays for the next one.
 *
 * @since 0.1.0
 */
import { Clock, Deferred, Effect } from "effect"
import { getValue } from "../Referent.ts"
import { StopIteration, TimeoutError, TypeError } from "../PythonErrors.ts"
import { awaitFor } from "./AsyncResult.ts"

type Item = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown }

/** @category models @since 0.1.0 */
export class PoolIterator {
  private readonly ordered: boolean
  private readonly items: Array<Item | undefined> = []
  private cursor = 0
  // Chunks of an ordered iterator that came back before an earlier one.
  private readonly early = new Map<number, ReadonlyArray<Item>>()
  private nextChunk = 0
  private chunksLeft: number
  private closed = false
  private changed = Deferred.makeUnsafe<void>()
  private readonly cancel: () => void

  /** `chunks` is how many chunks will come back; `cancel` withdraws those not started (on close). */
  constructor(options: { readonly ordered: boolean; readonly chunks: number; readonly cancel: () => void }) {
    this.ordered = options.ordered
    this.chunksLeft = options.chunks
    this.cancel = options.cancel
  }

  /** One chunk came back: its results, or (`ok` false) its error. */
  setChunk(index: number, ok: boolean, values: unknown): void {
    if (this.closed) return
    const items: ReadonlyArray<Item> = ok
      ? (values as ReadonlyArray<unknown>).map((value) => ({ ok: true, value }))
      : [{ ok: false, error: values }]
    this.chunksLeft--
    if (!this.ordered) this.items.push(...items)
    else if (index !== this.nextChunk) this.early.set(index, items)
    else {
      this.items.push(...items)
      this.nextChunk++
      for (let more = this.early.get(this.nextChunk); more !== undefined; more = this.early.get(this.nextChunk)) {
        this.early.delete(this.nextChunk)
        this.items.push(...more)
        this.nextChunk++
      }
    }
    this.wake()
  }

  /** The job will not complete (its pool was terminated): the next call fails with `error`, then iteration ends. */
  abort(error: unknown): void {
    if (this.closed || this.chunksLeft === 0) return
    this.early.clear()
    this.items.push({ ok: false, error })
    this.chunksLeft = 0
    this.wake()
  }

  /** The next result; StopIteration after the last; TimeoutError when none comes within `timeout` seconds. */
  __next__(timeout?: number | null): unknown {
    const now = this.take()
    if (now !== undefined) return this.give(now)
    const limit = timeout === null || timeout === undefined ? undefined : Number(timeout) * 1000
    // Each round looks again before it waits: a result may have come since the last look.
    const loop = (start: number): Effect.Effect<unknown, unknown> =>
      Effect.flatMap(Clock.currentTimeMillis, (t) => {
        const item = this.take()
        if (item !== undefined) return Effect.try({ try: () => this.give(item), catch: (e) => e })
        const remaining = limit === undefined ? null : (limit - (t - start)) / 1000
        if (remaining !== null && remaining <= 0) return Effect.fail(TimeoutError.make())
        return Effect.flatMap(awaitFor(this.changed, remaining), () => loop(start))
      })
    return Effect.flatMap(Clock.currentTimeMillis, loop)
  }

  /** CPython's generator protocol: `send(None)` is `__next__`. */
  send(value: unknown): unknown {
    if (value !== null && value !== undefined) throw TypeError.make("can't send non-None value to a just-started generator")
    return this.__next__()
  }

  throw(error: unknown): never {
    this.close()
    throw error
  }

  /** Stops iterating: tasks not started yet are withdrawn, and the next call gives StopIteration. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.items.length = this.cursor
    if (this.chunksLeft > 0) this.cancel()
    this.chunksLeft = 0
    this.wake()
  }

  private wake(): void {
    const woken = this.changed
    this.changed = Deferred.makeUnsafe<void>()
    Deferred.doneUnsafe(woken, Effect.void)
  }

  // The next item, `"end"` after the last, or undefined while it is still to come.
  private take(): Item | "end" | undefined {
    if (this.cursor < this.items.length) {
      const item = this.items[this.cursor]!
      this.items[this.cursor] = undefined
      this.cursor++
      return item
    }
    return this.chunksLeft === 0 || this.closed ? "end" : undefined
  }

  private give(item: Item | "end"): unknown {
    if (item === "end") throw StopIteration.make()
    if (item.ok) return item.value
    throw item.error
  }

  /** It waits on its Pool: a copy could never complete. */
  [getValue](): never {
    throw TypeError.make("a Pool iterator cannot be copied: take its items with __next__")
  }

  toString(): string {
    return `<PoolIterator ${this.ordered ? "ordered" : "unordered"} ${this.cursor} taken${this.chunksLeft === 0 ? ", complete" : ""}>`
  }
}
