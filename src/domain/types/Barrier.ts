/**
 * `threading.Barrier` for remote callers: `parties` callers meet; `wait`
 * returns each one's arrival index (0 for the first, parties - 1 for the
 * last); the optional action runs once per pass, by the last to arrive, before
 * the others are released. A timeout, an `abort`, a failing action or a
 * `reset` during a pass breaks it: the waiters fail with BrokenBarrierError.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { AttributeError, BrokenBarrierError, ValueError } from "../PythonErrors.ts"
import { waitTimeout } from "../Timeout.ts"
import { Waiters } from "../Waiters.ts"

type Outcome = "filling" | "released" | "broken"

class Pass {
  outcome: Outcome = "filling"
  arrived = 0
  readonly waiters = new Waiters()
}

/** Options of a Barrier created on the server. @since 0.1.0 */
export interface BarrierOptions {
  /** Runs once per pass, by the last caller to arrive, before the others are released. */
  readonly action?: Effect.Effect<unknown, unknown> | undefined
  /** The default timeout of `wait`, in seconds. */
  readonly timeout?: number | null | undefined
}

/** @since 0.1.0 */
export class Barrier {
  readonly parties: number
  private readonly action: Effect.Effect<unknown, unknown> | undefined
  private readonly defaultTimeout: number | null
  private current = new Pass()
  private isBroken = false

  constructor(parties: unknown, options: BarrierOptions = {}) {
    const n = Number(parties)
    if (!(Number.isInteger(n) && n >= 1)) throw ValueError.make("parties must be > 0")
    this.parties = n
    this.action = options.action
    this.defaultTimeout = options.timeout ?? null
  }

  get n_waiting(): number {
    return this.isBroken ? 0 : this.current.arrived
  }

  get broken(): boolean {
    return this.isBroken
  }

  wait(timeout: unknown = null): number | Effect.Effect<number, BrokenBarrierError | unknown> {
    if (this.isBroken) throw BrokenBarrierError.make()
    const pass = this.current
    const index = pass.arrived++
    if (pass.arrived === this.parties) {
      if (this.action === undefined) return this.release(pass, index)
      return this.action.pipe(
        Effect.catchCause((cause) => {
          this.breakPass(pass)
          return Effect.failCause(cause)
        }),
        Effect.map(() => this.release(pass, index))
      )
    }
    const ms = waitTimeout(timeout ?? this.defaultTimeout)
    return Effect.onInterrupt(
      Effect.flatMap(pass.waiters.wait(ms), (woken) => {
        if (woken && pass.outcome === "released") return Effect.succeed(index)
        // Timing out breaks the barrier for everyone, as in CPython.
        if (!woken) this.breakPass(pass)
        return Effect.fail(BrokenBarrierError.make())
      }),
      () =>
        Effect.sync(() => {
          // A cancelled caller leaves the pass it was waiting in.
          if (pass.outcome === "filling") pass.arrived--
        })
    )
  }

  /** Breaks the barrier: current and future waits fail until `reset`. */
  abort(): void {
    this.breakPass(this.current)
  }

  /** Returns the barrier to its initial state; callers waiting now fail with BrokenBarrierError. */
  reset(): void {
    const pass = this.current
    if (pass.arrived > 0 && pass.outcome === "filling") {
      pass.outcome = "broken"
      pass.waiters.notifyAll()
    }
    this.current = new Pass()
    this.isBroken = false
  }

  /** What CPython's BarrierProxy reads through `__getattribute__`. */
  __getattribute__(name: unknown): unknown {
    switch (name) {
      case "parties":
        return this.parties
      case "n_waiting":
        return this.n_waiting
      case "broken":
        return this.broken
      default:
        throw AttributeError.make(`'Barrier' object has no attribute '${String(name)}'`)
    }
  }

  toString(): string {
    return `<Barrier parties=${this.parties} waiting=${this.n_waiting}${this.isBroken ? " broken" : ""}>`
  }

  private release(pass: Pass, index: number): number {
    pass.outcome = "released"
    this.current = new Pass()
    pass.waiters.notifyAll()
    return index
  }

  private breakPass(pass: Pass): void {
    this.isBroken = true
    if (pass.outcome === "filling") {
      pass.outcome = "broken"
      pass.waiters.notifyAll()
    }
    if (this.current === pass) this.current = new Pass()
  }
}

/** What BarrierProxy exposes. @since 0.1.0 */
export const barrierExposed: ReadonlyArray<string> = ["__getattribute__", "wait", "abort", "reset"]
