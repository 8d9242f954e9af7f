/**
 * A FIFO queue with CPython's `queue.Queue` semantics over a
 * {@link QueueState}: an optional maxsize, blocking `put`/`get` with
 * timeouts, `put_nowait`/`get_nowait`, and the `task_done`/`join` protocol
 * (the manager's Queue and JoinableQueue are both this class, as in CPython's
 * SyncManager).
 *
 * A blocked `get` that is cancelled consumes nothing; a blocked `put` that is
 * cancelled adds nothing. A `get` or `put` that completed after its caller
 * gave up is undone by its compensator (`__undo_get__` puts the item back at
 * the head, so order is kept; `__undo_put__` takes it out again).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Eventually, map } from "../Eventually.ts"
import { QueueEmpty, QueueFull, ValueError } from "../PythonErrors.ts"
import type { QueueState } from "../state/Queues.ts"
import { queueTimeout } from "../Timeout.ts"
import { NotYet, retryUntil, TimedOut, type WaitRoom } from "../Waiting.ts"
import { SharedObject } from "./SharedObject.ts"

/** @since 0.1.0 */
export class Queue extends SharedObject<QueueState> {
  readonly room: WaitRoom

  constructor(state: QueueState, room: WaitRoom) {
    super(state)
    this.room = room
  }

  get maxsize(): number {
    return this.state.maxsize
  }

  qsize(): Eventually<number> {
    return this.state.size()
  }
  empty(): Eventually<boolean> {
    return map(this.state.size(), (n) => n === 0)
  }
  full(): Eventually<boolean> {
    return map(this.state.size(), (n) => this.maxsize > 0 && n >= this.maxsize)
  }

  put(item: unknown, block: unknown = true, timeout: unknown = null): Eventually<void, QueueFull> {
    // An unbounded queue never waits, so CPython never looks at its timeout.
    const wait = this.maxsize > 0 ? queueTimeout(block, timeout) : 0
    return map(this.state.tryPut(item, undefined), (r) => {
      if (r === true) return
      if (wait === 0) throw QueueFull.make()
      return Effect.flatMap(
        retryUntil(this.room, (w) => this.state.tryPut(item, w), wait, () => this.state.unput(item)),
        (done) => (done === TimedOut ? Effect.fail(QueueFull.make()) : Effect.void)
      )
    })
  }

  put_nowait(item: unknown): Eventually<void, QueueFull> {
    return this.put(item, false)
  }

  get(block: unknown = true, timeout: unknown = null): Eventually<unknown, QueueEmpty> {
    const wait = queueTimeout(block, timeout)
    return map(this.state.tryGet(undefined), (r) => {
      if (r !== NotYet) return r.item
      if (wait === 0) throw QueueEmpty.make()
      return Effect.flatMap(
        retryUntil(this.room, (w) => this.state.tryGet(w), wait, (got) => this.state.unget(got.item)),
        (got) => (got === TimedOut ? Effect.fail(QueueEmpty.make()) : Effect.succeed(got.item))
      )
    })
  }

  get_nowait(): Eventually<unknown, QueueEmpty> {
    return this.get(false)
  }

  task_done(): Eventually<void> {
    return map(this.state.taskDone(), (r) => {
      if (r === "too-many") throw ValueError.make("task_done() called too many times")
    })
  }

  join(): Eventually<void> {
    return map(this.state.tryJoin(undefined), (r) =>
      r === true ? undefined : Effect.asVoid(retryUntil(this.room, (w) => this.state.tryJoin(w), undefined)))
  }

  /** Gives back an item a cancelled `get` took: it goes to the head, where it was. */
  __undo_get__(item: unknown): Eventually<string> {
    return map(this.state.unget(item), () => "undone")
  }

  /**
   * Takes back the item of a cancelled `put`, when nobody has taken it yet
   * (the newest equal item: equal items are indistinguishable to getters).
   */
  __undo_put__(_result: unknown, item: unknown): Eventually<string> {
    return map(this.state.unput(item), (found) => (found ? "undone" : "irreversible"))
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
