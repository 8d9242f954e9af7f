/**
 * What a call of the Promise API gives: a Promise of the call's result whose
 * type also names what it rejects with, and the options every call takes.
 *
 * @since 0.1.0
 */
import type { Duration } from "effect"

/**
 * A Promise of `A` that rejects with `E` (the same tagged error instances as
 * the Effect API fails with), or with the reason of the call's `AbortSignal`
 * when that signal aborted it. `E` is carried by the type only: read it with
 * {@link Rejection}.
 *
 * @example
 * ```ts
 * import { KeyError } from "effect-managers"
 * import type { CallPromise } from "effect-managers/promise"
 *
 * const lookup = async (get: (key: string) => CallPromise<number, KeyError>) => {
 *   try {
 *     return await get("k")
 *   } catch (error) {
 *     if (error instanceof KeyError) return 0
 *     throw error
 *   }
 * }
 * ```
 * @since 0.1.0
 * @category models
 */
export interface CallPromise<A, E> extends Promise<A> {
  /** Never set at run time: names the rejection type. */
  readonly "~rejects"?: E
}

/**
 * What a CallPromise (or a function returning one) rejects with.
 *
 * @example
 * ```ts
 * import type { DictProxy } from "effect-managers"
 * import type { PromiseProxy, Rejection } from "effect-managers/promise"
 *
 * // KeyError | CallError
 * type GetItemError = Rejection<PromiseProxy<DictProxy<string, number>>["getItem"]>
 * ```
 * @since 0.1.0
 * @category models
 */
export type Rejection<T> = T extends (...args: any) => infer R ? Rejection<R>
  : T extends CallPromise<any, infer E> ? E
  : unknown

/**
 * Options of the calls made through a proxy or manager's `with(options)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /**
   * Cancels the call when it aborts: the call is interrupted here and
   * cancelled on the server (an aborted `get` takes no item), and the
   * Promise rejects with the signal's reason.
   */
  readonly signal?: AbortSignal | undefined
  /** Cancels the call when it takes longer, rejecting with CallTimeout. */
  readonly timeout?: Duration.Input | undefined
}
