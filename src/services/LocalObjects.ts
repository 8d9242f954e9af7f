/**
 * The shared objects of the server a referent lives in, as that referent
 * reaches them: a Pool runs a job's callback (`callback=results.append`)
 * by calling a method of another shared object of the same server, as the
 * server itself, the way CPython's server-side proxies do. Factories find it
 * among the server's services.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Context } from "effect"
import type { Token } from "../domain/Token.ts"

/**
 * What a referent may do with the other objects of its server.
 *
 * @category models
 * @since 0.1.0
 */
export interface LocalObjectsShape {
  /**
   * Calls an exposed method of the object `token` names (an object of this
   * server) as the server's own caller; fails with the method's error, or a
   * RemoteError when there is no such object or method here.
   */
  readonly call: (token: Token, method: string, args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>
  /** Whether `token` names a live object of this server. */
  readonly owns: (token: Token) => boolean
  /** Looks again at which shared objects the object `id` holds (its `Referent.children` changed on its own). */
  readonly updateChildren: (id: string) => Effect.Effect<void>
}

/**
 * The objects of the server a factory runs in.
 *
 * @category services
 * @since 0.1.0
 */
export class LocalObjects extends Context.Service<LocalObjects, LocalObjectsShape>()("effect-managers/LocalObjects") {}
