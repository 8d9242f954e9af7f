/**
 * effect-managers for code that does not use Effect: managers and proxies
 * whose calls return Promises, released with `await using`, cancelled with an
 * AbortSignal or a timeout, rejecting with the same tagged errors as the
 * Effect API fails with.
 *
 * @module effect-managers/promise
 * @since 0.1.0
 */
export { connect, inProcess, start } from "./Managers.ts"
export { fromLayer, type PromiseManager } from "./PromiseManager.ts"
export {
  type PromiseDictFallbacks,
  type PromiseLocking,
  type PromiseMethod,
  type PromiseNamespace,
  type PromisePool,
  type PromiseProxy,
  type PromiseProxyControls,
  type PromiseValue,
  type PromiseWaiting,
  toEffectProxy
} from "./PromiseProxy.ts"
export type { CallOptions, CallPromise, Rejection } from "./CallPromise.ts"
