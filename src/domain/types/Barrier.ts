/**
 * `threading.Barrier` for remote callers, over a {@link BarrierState}:
 * `parties` callers meet; `wait` returns each one's arrival index (0 for the
 * first, parties - 1 for the last); the optional action runs once per pass,
 * by the last to arrive, before the others are released. A timeout, an
 * `abort`, a failing action or a `reset` during a pass breaks it: the
 * waiters fail with BrokenBarrierError.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { Eventually } from "../Eventually.ts"
import { AttributeError, BrokenBarrierError, ValueError } from "../PythonErrors.ts"
import type { BarrierState } from "../state/Signals.ts"
import { waitTimeout } from "../Timeout.ts"
import { NotYet, step, toEffect, type WaitRoom } from "../Waiting.ts"
import { SharedObject } from "./SharedObject.ts"

/** Options of a Barrier created on the server. @since 0.1.0 */
export interface BarrierOptions {
  /** Runs once per pass, by the last caller to arrive, before the others are released. */
  readonly action?: Effect.Effect<unknown, unknown> | undefined
  /** The default timeout of `wait`, in seconds. */
  readonly timeout?: number | null | undefined
}

/** The number of parties checked, as `threading.Barrier(parties)` checks it. @since 0.1.0 */
export const checkParties = (parties: unknown): number => {
  const n = Number(parties)
  if (!(Number.isInteger(n) && n >= 1)) throw ValueError.make("parties must be > 0")
  return n
}

/** @since 0.1.0 */
export class Barrier extends SharedObject<BarrierState> {
  readonly room: WaitRoom
  private readonly action: Effect.Effect<unknown, unknown> | undefined
  private readonly defaultTimeout: number | null

  constructor(state: BarrierState, room: WaitRoom, options: BarrierOptions = {}) {
    super(state)
    this.room = room
    this.action = options.action
    this.defaultTimeout = options.timeout ?? null
  }

  get parties(): number {
    return this.state.parties
  }

  wait(timeout: unknown = null): Effect.Effect<number, BrokenBarrierError | unknown> {
    const ms = waitTimeout(timeout ?? this.defaultTimeout)
    return Effect.uninterruptibleMask((restore) => {
      const waiter = this.room.waiter()
      return step(this.state.arrive(waiter), (arrival): Effect.Effect<number, unknown> => {
        if (arrival === "broken") return Effect.fail(BrokenBarrierError.make())
        const { pass, index } = arrival
        if (arrival.last) {
          const released = step(this.state.release(pass), () => Effect.succeed(index))
          if (this.action === undefined) return released
          return restore(this.action).pipe(
            Effect.catchCause((cause) => step(this.state.breakPass(pass), () => Effect.failCause(cause))),
            Effect.andThen(released)
          )
        }
        const broken = () => Effect.fail(BrokenBarrierError.make())
        const wait: Effect.Effect<number, unknown> = Effect.flatMap(
          Effect.onInterrupt(restore(this.room.wait(waiter, ms)), () =>
            // A cancelled caller leaves the pass it was waiting in.
            Effect.suspend(() => step(this.room.leave(waiter), () => toEffect(this.state.leave(pass))))),
          (woken) => {
            if (!woken) {
              // Timing out breaks the barrier for everyone, as in CPython (unless the pass was just released).
              return step(this.room.leave(waiter), () =>
                step(this.state.outcome(pass, undefined), (o) =>
                  o === "released" ? Effect.succeed(index) : step(this.state.breakPass(pass), broken)))
            }
            return step(this.state.outcome(pass, waiter), (o) =>
              o === "released" ? Effect.succeed(index) : o === "broken" ? broken() : o === NotYet ? wait : broken())
          }
        )
        return wait
      })
    })
  }

  /** Breaks the barrier: current and future waits fail until `reset`. */
  abort(): Eventually<void> {
    return this.state.abort()
  }

  /** Returns the barrier to its initial state; callers waiting now fail with BrokenBarrierError. */
  reset(): Eventually<void> {
    return this.state.reset()
  }

  /** What CPython's BarrierProxy reads through `__getattribute__`. */
  __getattribute__(name: unknown): Eventually<unknown> {
    switch (name) {
      case "parties":
        return this.state.parties
      case "n_waiting":
        return this.state.waiting()
      case "broken":
        return this.state.broken()
      default:
        throw AttributeError.make(`'Barrier' object has no attribute '${String(name)}'`)
    }
  }
}

/** What BarrierProxy exposes. @since 0.1.0 */
export const barrierExposed: ReadonlyArray<string> = ["__getattribute__", "wait", "abort", "reset"]

