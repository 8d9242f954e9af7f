/**
 * A proxy with one method per exposed name, built at runtime from the
 * exposed list the server sends (CPython's AutoProxy), and typed from the
 * referent's class when there is one.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { CallerMethod } from "../domain/Referent.ts"
import { BaseProxy } from "./BaseProxy.ts"
import type { ProxyCore } from "./ProxyCore.ts"

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
export type AutoProxyOf<R> = BaseProxy & { readonly [K in keyof R]: ProxyMethod<R[K]> }

const reserved = new Set(["core", "token", "typeid", "exposed", "callMethod", "releaseProxy", "isReleased", "constructor"])

/** A proxy with a method for each name the server exposes (CPython's AutoProxy). @category proxies @since 0.1.0 */
export class AutoProxy extends BaseProxy {
  constructor(core: ProxyCore, methodToTypeid: Readonly<Record<string, string>> = {}) {
    super(core)
    for (const name of core.exposed) {
      if (reserved.has(name)) continue
      const method = name in methodToTypeid
        ? (...args: ReadonlyArray<unknown>) => core.callProxy(name, args)
        : (...args: ReadonlyArray<unknown>) => core.call(name, args)
      Object.defineProperty(this, name, { value: method, enumerable: false })
    }
  }
}
