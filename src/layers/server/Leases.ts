/**
 * Sessions and their leases. A session (one client, across reconnects)
 * holds references and lock permits; when it has had no connection for the
 * grace period, its lease expires and everything it held is released: the
 * backend's permits, the hooks of local referents, then its references.
 * This is what CPython lacks: a client killed with SIGKILL leaks nothing here.
 *
 * The expiries are fibers of a FiberMap keyed by session, owned by the
 * server's scope: a session that comes back interrupts its own.
 *
 * @since 0.1.0
 */
import { Duration, Effect, type Fiber, FiberMap, Option } from "effect"
import { toEffect } from "../../domain/Eventually.ts"
import { releaseSession } from "../../domain/Referent.ts"
import type { SharedStateShape } from "../../services/SharedState.ts"
import type { Objects } from "./Objects.ts"

/** @category models @since 0.1.0 */
export interface LeaseOptions {
  readonly grace: Duration.Duration
  readonly releasePermits: boolean
}

/** @category models @since 0.1.0 */
export class Leases {
  private readonly connections = new Map<string, number>()
  private readonly objects: Objects
  private readonly backend: SharedStateShape
  private readonly options: LeaseOptions
  private readonly expiring: FiberMap.FiberMap<string, void>
  private readonly run: (session: string, effect: Effect.Effect<void>) => Fiber.Fiber<void>

  constructor(
    objects: Objects,
    backend: SharedStateShape,
    options: LeaseOptions,
    expiring: FiberMap.FiberMap<string, void>,
    run: (session: string, effect: Effect.Effect<void>) => Fiber.Fiber<void>
  ) {
    this.objects = objects
    this.backend = backend
    this.options = options
    this.expiring = expiring
    this.run = run
  }

  /** A connection of the session opened: its lease holds. */
  attach(session: string): void {
    this.connections.set(session, (this.connections.get(session) ?? 0) + 1)
    Option.getOrUndefined(FiberMap.getUnsafe(this.expiring, session))?.interruptUnsafe()
  }

  /** A connection of the session closed: with none left, the lease runs out after the grace period. */
  detach(session: string): void {
    const n = (this.connections.get(session) ?? 1) - 1
    if (n > 0) {
      this.connections.set(session, n)
      return
    }
    this.connections.delete(session)
    this.run(session, Duration.isZero(this.options.grace) ? this.release(session) : Effect.andThen(Effect.sleep(this.options.grace), this.release(session)))
  }

  /** Releases everything the session holds now. */
  release(session: string): Effect.Effect<void> {
    const { objects, backend } = this
    const releasePermits = this.options.releasePermits
    return Effect.gen(function*() {
      if (releasePermits) {
        yield* Effect.exit(Effect.suspend(() => toEffect(backend.releaseSession(session))))
        for (const referent of objects.referents()) {
          const hook = (referent as { [releaseSession]?: (s: string) => unknown })[releaseSession]
          // One object's failing hook must not keep the others' permits held.
          if (hook !== undefined) yield* Effect.exit(Effect.suspend(() => toEffect(hook.call(referent, session))))
        }
      }
      yield* objects.releaseSession(session)
    }).pipe(Effect.uninterruptible)
  }

  /** Sessions with a connection now. */
  get active(): number {
    return this.connections.size
  }
}
