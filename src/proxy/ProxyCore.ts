/**
 * What every proxy is built on: its token, the methods the server exposes
 * for it, a way to call them, and its release. The client's Manager makes
 * the core; proxy classes (DictProxy, QueueProxy, AutoProxy, ...) give it
 * typed methods.
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Scope } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { Token } from "../domain/Token.ts"

/** Options of one call. @category models @since 0.1.0 */
export interface CallOptions {
  /** Keyword arguments, for methods that take them (CPython's `**kwds`). */
  readonly kwargs?: Readonly<Record<string, unknown>> | undefined
}

/** What a proxy is built on: its token, exposed methods, calls and release. @category proxies @since 0.1.0 */
export interface ProxyCore {
  readonly token: Token
  /** The methods the server lets this proxy call. */
  readonly exposed: ReadonlyArray<string>
  /**
   * Calls a method on the referent. Fails with the referent's own error, or
   * a CallError. A result holding proxies gives live proxies, owned by the
   * caller's Scope when it has one and by the manager's otherwise.
   */
  readonly call: (method: string, args: ReadonlyArray<unknown>, options?: CallOptions) => Effect.Effect<unknown, unknown>
  /** Calls a method whose result is a new shared object, returned as a proxy in the caller's scope. */
  readonly callProxy: (
    method: string,
    args: ReadonlyArray<unknown>,
    options?: CallOptions
  ) => Effect.Effect<unknown, unknown, Scope.Scope>
  /** Releases the proxy's reference now; later calls fail with ProxyReleased. Runs once. */
  readonly release: Effect.Effect<void>
  readonly isReleased: () => boolean
}

/** The error type a call adds to the referent's own errors. @since 0.1.0 */
export type { CallError }

/**
 * Who a call is made for, as the server's locks see it (which caller holds
 * an RLock or a Condition's lock). Unset, it is the calling fiber; code whose
 * one logical caller spans fibers, as the Promise API's `withLock` does, sets
 * it for the calls it makes.
 *
 * @since 0.1.0
 * @category references
 */
export const CurrentCaller: Context.Reference<number | undefined> = Context.Reference<number | undefined>(
  "effect-managers/ProxyCore/CurrentCaller",
  { defaultValue: () => undefined }
)
