/**
 * What every proxy is built on, and what every proxy is: the contract
 * between the client core (which makes a ProxyCore for each token, over our
 * dialect or CPython's) and the proxy classes (DictProxy, QueueProxy,
 * AutoProxy, ...), which give it typed methods. The services speak of
 * proxies through these types only.
 *
 * @since 0.1.0
 */
import { Context, type Effect, type Scope } from "effect"
import type { CallError } from "./ManagerErrors.ts"
import type { CallerMethod } from "./Referent.ts"
import type { Token } from "./Token.ts"

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
 * What every proxy offers, whatever its type: the object's token, a generic
 * call, a copy of the referent, its string forms, and release.
 *
 * @category proxies
 * @since 0.1.0
 */
export interface Proxy {
  readonly token: Token
  readonly typeid: string
  /** The methods the server exposes for this object. */
  readonly exposed: ReadonlyArray<string>
  /** Calls an exposed method by name (CPython's `_callmethod`). */
  readonly callMethod: (name: string, args?: ReadonlyArray<unknown>, options?: CallOptions) => Effect.Effect<unknown, unknown>
  /** A copy of the referent (CPython's `_getvalue`). */
  readonly getValue: () => Effect.Effect<unknown, CallError>
  readonly str: () => Effect.Effect<string, CallError>
  readonly repr: () => Effect.Effect<string, CallError>
  /** Releases this proxy's reference now (once); later calls fail with ProxyReleased. */
  readonly releaseProxy: Effect.Effect<void>
  readonly isReleased: boolean
}

type Success<T> = T extends Effect.Effect<infer A, any, any> ? A : T extends PromiseLike<infer A> ? A : T
type Failure<T> = T extends Effect.Effect<any, infer E, any> ? E : never

/** The proxy side of one referent method: its arguments, and an Effect of its result. @category proxies @since 0.1.0 */
export type ProxyMethod<F> = F extends CallerMethod<infer Args, infer R>
  ? (...args: Args) => Effect.Effect<Success<R>, Failure<R> | CallError>
  : F extends (...args: infer Args) => infer R ? (...args: Args) => Effect.Effect<Success<R>, Failure<R> | CallError>
  : never

/**
 * The typed AutoProxy of a referent type R: each method of R, taking the same
 * arguments and giving an Effect of its result (a Promise or Effect result is
 * unwrapped; an Effect's error becomes the call's error).
 *
 * @category proxies
 * @since 0.1.0
 */
export type AutoProxyOf<R> = Proxy & { readonly [K in keyof R]: ProxyMethod<R[K]> }

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
