/**
 * Sessions and their leases. A session (one client, across reconnects)
 * holds references and lock permits; when it has had no connection for the
 * grace period, its lease expires and everything it held is released. This
 * is what CPython lacks: a client killed with SIGKILL leaks nothing here.
 *
 * @since 0.1.0
 */
import { Duration, Effect, type Fiber } from "effect"
import { releaseSession } from "../../domain/Referent.ts"
import type { RefcountStore } from "../../services/RefcountStore.ts"

/** @since 0.1.0 */
export interface LeaseOptions {
  readonly grace: Duration.Duration
  readonly releasePermits: boolean
}

/** @since 0.1.0 */
export class Leases {
  private readonly connections = new Map<string, number>()
  private readonly expiring = new Map<string, Fiber.Fiber<void>>()
  private readonly store: RefcountStore["Service"]
  private readonly options: LeaseOptions
  private readonly fork: (effect: Effect.Effect<void>) => Fiber.Fiber<void>

  constructor(
    store: RefcountStore["Service"],
    options: LeaseOptions,
    fork: (effect: Effect.Effect<void>) => Fiber.Fiber<void>
  ) {
    this.store = store
    this.options = options
    this.fork = fork
  }

  /** A connection of the session opened: its lease holds. */
  attach(session: string): void {
    this.connections.set(session, (this.connections.get(session) ?? 0) + 1)
    const pending = this.expiring.get(session)
    if (pending !== undefined) {
      this.expiring.delete(session)
      pending.interruptUnsafe()
    }
  }

  /** A connection of the session closed: with none left, the lease runs out after the grace period. */
  detach(session: string): void {
    const n = (this.connections.get(session) ?? 1) - 1
    if (n > 0) {
      this.connections.set(session, n)
      return
    }
    this.connections.delete(session)
    const expire = Duration.isZero(this.options.grace)
      ? this.release(session)
      : Effect.andThen(Effect.sleep(this.options.grace), this.release(session))
    const fiber = this.fork(Effect.ensuring(expire, Effect.sync(() => {
      if (this.expiring.get(session) === fiber) this.expiring.delete(session)
    })))
    if (fiber.pollUnsafe() === undefined) this.expiring.set(session, fiber)
  }

  /** Releases everything the session holds now. */
  release(session: string): Effect.Effect<void> {
    const store = this.store
    const releasePermits = this.options.releasePermits
    return Effect.gen(function*() {
      if (releasePermits) {
        for (const referent of yield* store.referents) {
          const hook = (referent as { [releaseSession]?: (s: string) => void })[releaseSession]
          if (hook !== undefined) {
            try {
              hook.call(referent, session)
            } catch {
              // One object's failing hook must not keep the others' permits held.
            }
          }
        }
      }
      yield* store.releaseSession(session)
    })
  }

  /** Sessions with a connection now. */
  get active(): number {
    return this.connections.size
  }
}
