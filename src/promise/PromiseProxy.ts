/**
 * Proxies for code that does not use Effect: every method of an Effect proxy,
 * returning a Promise of its result instead of an Effect. The types are
 * derived from the Effect proxies, so a method's arguments, result and
 * rejection type are the Effect method's.
 *
 * Each Promise proxy holds one reference, released once: by
 * `releaseProxy()`, by `await using` at the end of its block, or when its
 * manager closes. `with({ signal, timeout })` gives the same proxy whose calls
 * can be cancelled; a cancelled call is cancelled on the server too. A
 * referent method named `with` or `releaseProxy` is reached through
 * `callMethod`.
 *
 * @since 0.1.0
 */
import { Effect, type Option } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { AttributeError, RuntimeError } from "../domain/PythonErrors.ts"
import { AcquirerProxy } from "../proxy/AcquirerProxy.ts"
import type { BaseProxy } from "../proxy/BaseProxy.ts"
import { ConditionProxy } from "../proxy/ConditionProxy.ts"
import type { DictProxy } from "../proxy/DictProxy.ts"
import type { NamespaceProxy } from "../proxy/NamespaceProxy.ts"
import type { IteratorProxy } from "../proxy/IteratorProxy.ts"
import type {
  AsyncResultProxy,
  CallbackOptions,
  ChunkOptions,
  PoolProxy,
  SubmitError,
  TaskArgs,
  TaskFailure,
  TaskName,
  TaskResult
} from "../proxy/PoolProxy.ts"
import type { BlockingOptions } from "../proxy/Timeouts.ts"
import type { CallOptions, CallPromise } from "./CallPromise.ts"

/**
 * A call's result as the Promise API gives it: each proxy in it (in an array,
 * tuple, Map or Option) is a Promise proxy.
 *
 * @since 0.1.0
 * @category models
 */
export type PromiseValue<A> = A extends BaseProxy ? PromiseProxy<A>
  : true extends HasProxy<A> ? (
      A extends Option.Option<infer T> ? Option.Option<PromiseValue<T>>
        : A extends ReadonlyArray<unknown> ? { -readonly [I in keyof A]: PromiseValue<A[I]> }
        : A extends ReadonlyMap<infer K, infer V> ? Map<PromiseValue<K>, PromiseValue<V>>
        : A
    )
  : A

type HasProxy<A> = A extends BaseProxy ? true
  : A extends Option.Option<infer T> ? HasProxy<T>
  : A extends ReadonlyArray<infer T> ? HasProxy<T>
  : A extends ReadonlyMap<infer K, infer V> ? HasProxy<K | V>
  : false

/**
 * One member of a Promise proxy: a method returning an Effect becomes one
 * returning a CallPromise of its result, rejecting with its error, and
 * taking a Promise proxy wherever the Effect method takes a proxy; any other
 * member is the Effect proxy's own.
 *
 * @since 0.1.0
 * @category models
 */
export type PromiseMethod<F> = F extends (...args: infer Args) => Effect.Effect<infer A, infer E, infer _R>
  ? (...args: { [I in keyof Args]: Args[I] | PromiseValue<Args[I]> }) => CallPromise<PromiseValue<A>, E>
  : F

// NamespaceProxy's methods are generic in the attribute name, which a mapped type cannot keep:
// it is told from the other proxies by having exactly these methods of its own.
type NamespaceKeys = "get" | "set" | "delete"
type OwnKeys<P> = Exclude<keyof P, keyof BaseProxy>
type IsNamespace<P> = [OwnKeys<P>] extends [NamespaceKeys] ? [NamespaceKeys] extends [OwnKeys<P>] ? true : false : false

type PoolKeys = "apply" | "applyAsync" | "map" | "mapAsync" | "starmap" | "starmapAsync" | "imap" | "imapUnordered"

// Members written by hand below: generic ones, those taking Effects, and the proxy's release.
type Replaced<P> =
  | "core"
  | "releaseProxy"
  | "withLock"
  | "waitFor"
  | (P extends DictProxy<any, any> ? "getOrElse" | "popOrElse" : never)
  | (IsNamespace<P> extends true ? NamespaceKeys : never)
  | (P extends PoolProxy<any> ? PoolKeys : never)

/**
 * What every Promise proxy has besides its object's methods.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromiseProxyControls<P> extends AsyncDisposable {
  /** Releases this proxy's reference now (once); later calls reject with ProxyReleased. */
  readonly releaseProxy: () => Promise<void>
  /**
   * The same proxy (the same reference), whose calls are cancelled when
   * `signal` aborts or `timeout` passes.
   */
  readonly with: (options: CallOptions) => PromiseProxy<P>
}

/**
 * `withLock` for the Promise proxies of Lock, RLock, Semaphore and Condition.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromiseLocking {
  /**
   * Runs `body` holding the lock: acquired before, released after, whether
   * it resolves or rejects. The body's signal aborts when the call is
   * cancelled.
   */
  readonly withLock: <A>(body: (signal: AbortSignal) => A | PromiseLike<A>) => CallPromise<Awaited<A>, unknown>
}

/**
 * `waitFor` for the Promise proxy of a Condition.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromiseWaiting {
  /**
   * Waits until `predicate` holds, checking it after each notify; gives its
   * last result (false when the timeout passed first). The caller must hold
   * the lock.
   */
  readonly waitFor: (
    predicate: () => boolean | PromiseLike<boolean>,
    timeout?: BlockingOptions["timeout"]
  ) => CallPromise<boolean, RuntimeError | CallError | unknown>
}

/**
 * The generic methods of a dict's Promise proxy.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromiseDictFallbacks<K, V> {
  /** `d.get(key, fallback)`. */
  readonly getOrElse: <D>(key: K, fallback: D) => CallPromise<V | D, CallError>
  /** Removes `key` and gives its value, or `fallback`. */
  readonly popOrElse: <D>(key: K, fallback: D) => CallPromise<V | D, CallError>
}

/**
 * The methods of a Namespace's Promise proxy, typed by attribute.
 *
 * @since 0.1.0
 * @category models
 */
export interface PromiseNamespace<T extends Record<string, unknown>> {
  /** An attribute, or AttributeError when it is not set. */
  readonly get: <K extends keyof T & string>(name: K) => CallPromise<T[K], AttributeError | CallError>
  readonly set: <K extends keyof T & string>(name: K, value: T[K]) => CallPromise<void, CallError>
  /** Deletes an attribute, or AttributeError when it is not set. */
  readonly delete: <K extends keyof T & string>(name: K) => CallPromise<void, AttributeError | CallError>
}

/**
 * The methods of a Pool's Promise proxy, typed from its module's functions
 * as the Effect proxy's are (see `PoolProxy`).
 *
 * @since 0.1.0
 * @category models
 */
export interface PromisePool<M> {
  readonly apply: <K extends TaskName<M>>(
    fn: K,
    args: TaskArgs<M, K>
  ) => CallPromise<TaskResult<M, K>, TaskFailure<M, K> | SubmitError | CallError>
  readonly applyAsync: <K extends TaskName<M>>(
    fn: K,
    args: TaskArgs<M, K>,
    options?: CallbackOptions
  ) => CallPromise<PromiseProxy<AsyncResultProxy<TaskResult<M, K>, TaskFailure<M, K>>>, SubmitError | CallError>
  readonly map: <K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options?: ChunkOptions
  ) => CallPromise<Array<TaskResult<M, K>>, TaskFailure<M, K> | SubmitError | CallError>
  readonly mapAsync: <K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options?: ChunkOptions & CallbackOptions
  ) => CallPromise<PromiseProxy<AsyncResultProxy<Array<TaskResult<M, K>>, TaskFailure<M, K>>>, SubmitError | CallError>
  readonly starmap: <K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>>,
    options?: ChunkOptions
  ) => CallPromise<Array<TaskResult<M, K>>, TaskFailure<M, K> | SubmitError | CallError>
  readonly starmapAsync: <K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>>,
    options?: ChunkOptions & CallbackOptions
  ) => CallPromise<PromiseProxy<AsyncResultProxy<Array<TaskResult<M, K>>, TaskFailure<M, K>>>, SubmitError | CallError>
  readonly imap: <K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options?: ChunkOptions
  ) => CallPromise<PromiseProxy<IteratorProxy<TaskResult<M, K>, TaskFailure<M, K>>>, SubmitError | CallError>
  readonly imapUnordered: <K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options?: ChunkOptions
  ) => CallPromise<PromiseProxy<IteratorProxy<TaskResult<M, K>, TaskFailure<M, K>>>, SubmitError | CallError>
}

/**
 * The Promise proxy of an Effect proxy `P`.
 *
 * @example
 * ```ts
 * import { KeyError } from "effect-managers"
 * import * as Managers from "effect-managers/promise"
 *
 * await using manager = await Managers.inProcess()
 * await using d = await manager.dict<string, number>({ a: 1 })
 * await d.set("b", 2)
 * console.log(await d.getItem("b")) // 2
 * await d.getItem("zzz").catch((e) => console.log(e instanceof KeyError)) // true
 * ```
 * @since 0.1.0
 * @category models
 */
export type PromiseProxy<P> =
  & { readonly [K in keyof P as K extends Replaced<P> ? never : K]: PromiseMethod<P[K]> }
  & PromiseProxyControls<P>
  & (P extends AcquirerProxy ? PromiseLocking : unknown)
  & (P extends ConditionProxy ? PromiseWaiting : unknown)
  & (P extends DictProxy<infer K, infer V> ? PromiseDictFallbacks<K, V> : unknown)
  & (IsNamespace<P> extends true ? P extends NamespaceProxy<infer T> ? PromiseNamespace<T> : unknown : unknown)
  & (P extends PoolProxy<infer M> ? PromisePool<M> : unknown)

/**
 * How Promise proxies run their calls and give back their references: one
 * per manager.
 *
 * @since 0.1.0
 * @category internals
 */
export interface Calls {
  /** Runs a call with `options`; proxies in its result are Promise proxies. */
  readonly run: (effect: Effect.Effect<unknown, unknown, any>, options: CallOptions, method: string) => Promise<unknown>
  /** Releases one proxy's reference (once). */
  readonly release: (proxy: BaseProxy) => Promise<void>
  /**
   * Runs `f` as one caller of the server's locks: the current one inside
   * another `asOneCaller`, else a new one. `enter` runs later code (a
   * callback) as that caller again.
   */
  readonly asOneCaller: <A>(f: (enter: <B>(g: () => B) => B) => A) => A
}

// How a Promise proxy hands over the Effect proxy it wraps, without a name a referent could use.
const effectProxy: unique symbol = Symbol.for("effect-managers/promise/effectProxy")

/**
 * The Effect proxy a Promise proxy wraps (anything else is given back as it
 * is): how arguments reach the Effect API.
 *
 * @since 0.1.0
 * @category conversions
 */
export const toEffectProxy = (u: unknown): unknown =>
  u !== null && (typeof u === "object" || typeof u === "function") && (u as { [effectProxy]?: BaseProxy })[effectProxy] !== undefined
    ? (u as { [effectProxy]: BaseProxy })[effectProxy]
    : u

// A body or predicate run from the Effect side: its rejection is the call's.
const fromPromise = <A>(f: (signal: AbortSignal) => A | PromiseLike<A>) =>
  Effect.tryPromise({ try: async (signal) => await f(signal), catch: (e) => e })

/**
 * The Promise proxy of `proxy`, whose calls run through `calls`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <P extends BaseProxy>(proxy: P, calls: Calls, options: CallOptions = {}): PromiseProxy<P> => {
  const run = (method: string, result: unknown) =>
    Effect.isEffect(result) ? calls.run(result, options, method) : result
  const releaseProxy = () => calls.release(proxy)
  const own: Record<PropertyKey, unknown> = {
    [effectProxy]: proxy,
    releaseProxy,
    [Symbol.asyncDispose]: releaseProxy,
    with: (more: CallOptions) => make(proxy, calls, { ...options, ...more })
  }
  // The body's calls are the same caller as the acquire and release around them, so that an
  // RLock or a Condition's lock taken by withLock is held by them (Condition.wait inside it).
  if (proxy instanceof AcquirerProxy) {
    own["withLock"] = <A>(body: (signal: AbortSignal) => A | PromiseLike<A>) =>
      calls.asOneCaller((enter) => run("withLock", proxy.withLock(fromPromise((signal) => enter(() => body(signal))))))
  }
  if (proxy instanceof ConditionProxy) {
    own["waitFor"] = (predicate: () => boolean | PromiseLike<boolean>, timeout?: BlockingOptions["timeout"]) =>
      calls.asOneCaller((enter) => run("waitFor", proxy.waitFor(fromPromise(() => enter(predicate)), timeout)))
  }
  // The prototype makes the Promise proxy an instance of its Effect proxy's class, so codecs
  // that find it nested in an argument send its token (`token` is read through to the proxy).
  const target = Object.create(Object.getPrototypeOf(proxy)) as object
  return new Proxy(target, {
    get: (_, key) => {
      if (Object.hasOwn(own, key)) return own[key]
      const member: unknown = Reflect.get(proxy, key, proxy)
      if (typeof member !== "function" || key === "constructor") return member
      return (...args: ReadonlyArray<unknown>) => run(String(key), member.apply(proxy, args.map(toEffectProxy)))
    }
  }) as PromiseProxy<P>
}
