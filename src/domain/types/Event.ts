/**
 * `threading.Event` for remote callers, over an {@link EventState}: `wait`
 * suspends until the flag is set or the timeout passes, and returns the
 * flag.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type Eventually, map } from "../Eventually.ts"
import type { EventState } from "../state/Signals.ts"
import { waitTimeout } from "../Timeout.ts"
import { step, toEffect, type WaitRoom } from "../Waiting.ts"
import { SharedObject } from "./SharedObject.ts"

/** @since 0.1.0 */
export class Event extends SharedObject<EventState> {
  readonly room: WaitRoom

  constructor(state: EventState, room: WaitRoom) {
    super(state)
    this.room = room
  }

  is_set(): Eventually<boolean> {
    return this.state.isSet()
  }

  set(): Eventually<void> {
    return this.state.set()
  }

  clear(): Eventually<void> {
    return this.state.clear()
  }

  wait(timeout: unknown = null): Eventually<boolean> {
    return map(this.state.tryWait(undefined), (r) => {
      if (r === true) return true
      const ms = waitTimeout(timeout)
      if (ms === 0) return false
      return Effect.uninterruptibleMask((restore) => {
        const waiter = this.room.waiter()
        return step(this.state.tryWait(waiter), (again) => {
          if (again === true) return Effect.succeed(true)
          return Effect.flatMap(
            Effect.onInterrupt(restore(this.room.wait(waiter, ms)), () => Effect.suspend(() => toEffect(this.room.leave(waiter)))),
            // Woken means set() ran, even if clear() followed before this caller resumed (CPython's rule).
            (woken) => (woken ? Effect.succeed(true) : step(this.room.leave(waiter), () => toEffect(this.state.isSet())))
          )
        })
      })
    })
  }
}

/** What EventProxy exposes. @since 0.1.0 */
export const eventExposed: ReadonlyArray<string> = ["is_set", "set", "clear", "wait"]
