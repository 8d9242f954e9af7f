/**
 * The proxies of a Pool and of its results. A Pool runs functions that a
 * module exports, named by a string; give the pool the module's type
 * (`manager.Pool<typeof import("./tasks.ts")>(...)`) and each method is
 * typed from the function it names: its arguments, its result (a Promise's
 * or an Effect's value) and, for a function that returns an Effect, its
 * typed errors.
 *
 * @since 0.1.0
 */
import type { Duration, Effect, Scope } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { PoolError } from "../domain/PoolErrors.ts"
import type { Proxy } from "../domain/ProxyCore.ts"
import type { AttributeError, MaybeEncodingError, PythonError, TimeoutError, TypeError, ValueError } from "../domain/PythonErrors.ts"
import type { UnknownTaggedError } from "../protocol/WireErrors.ts"
import { BaseProxy } from "./BaseProxy.ts"
import type { IteratorProxy } from "./IteratorProxy.ts"
import { toSeconds } from "./Timeouts.ts"

type AnyFunction = (...args: any) => any
type IsAny<A> = 0 extends 1 & A ? true : false

/** A module of task functions, as `typeof import("./tasks.ts")` gives it; by default any function by any name. @category models @since 0.1.0 */
export type TaskModule = Record<string, AnyFunction>

/** The names of a module's exported functions. @category type-level @since 0.1.0 */
export type TaskName<M> = { [K in keyof M]: M[K] extends AnyFunction ? K : never }[keyof M] & string

/** The arguments of the function `K` of a module. @category type-level @since 0.1.0 */
export type TaskArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => any ? A : never

// A function's result: its value, a Promise's, or an Effect's.
type Settled<R> = IsAny<R> extends true ? any : R extends Effect.Effect<infer A, any, any> ? A : Awaited<R>

/** What a call of the function `K` gives back. @category type-level @since 0.1.0 */
export type TaskResult<M, K extends keyof M> = M[K] extends (...args: any) => infer R ? Settled<R> : never

/**
 * What a thrown value comes back as: a tagged error with its own tag and
 * fields (as its class when the codec or the manager's types know it), or
 * a TaskError for anything without a tag.
 *
 * @category models
 * @since 0.1.0
 */
export type ThrownError = UnknownTaggedError | PythonError

/**
 * How a call of the function `K` can fail: its Effect's typed errors (for a
 * function that returns an Effect), what it may throw, and the Pool's own
 * failures (its worker crashed, the pool was terminated, its result could
 * not be sent back).
 *
 * @category type-level
 * @since 0.1.0
 */
export type TaskFailure<M, K extends keyof M> =
  | (M[K] extends (...args: any) => infer R ? IsAny<R> extends true ? never : R extends Effect.Effect<any, infer E, any> ? E : never : never)
  | ThrownError
  | PoolError
  | MaybeEncodingError

/** What submitting a job can fail with: the pool is not running, or no such function. @category models @since 0.1.0 */
export type SubmitError = ValueError | AttributeError | TypeError

/**
 * A callback: a method of a shared object of the same manager, called on
 * the server with the job's result (CPython's `callback=results.append`):
 * a proxy (of the Effect or the Promise API) and the method's name.
 *
 * @category models
 * @since 0.1.0
 */
export type Callback = readonly [proxy: Pick<Proxy, "token">, method: string]

/** Options of the jobs that give an AsyncResult. @category models @since 0.1.0 */
export interface CallbackOptions {
  /** Called with the result when the job succeeds, before the result is ready. */
  readonly callback?: Callback | undefined
  /** Called with the error when the job fails, before the result is ready. */
  readonly errorCallback?: Callback | undefined
}

/** Options of map and imap. @category models @since 0.1.0 */
export interface ChunkOptions {
  /** How many inputs go to a worker at once (map's default spreads them over four chunks per worker; imap's is 1). */
  readonly chunksize?: number | undefined
}

/**
 * The proxy of a Pool job's result (CPython's `AsyncResult`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { PoolProxy } from "effect-managers"
 *
 * declare const pool: PoolProxy<{ square: (n: number) => number }>
 * const program = Effect.gen(function*() {
 *   const result = yield* pool.applyAsync("square", [7])
 *   yield* result.wait("1 second")
 *   return yield* result.get({ timeout: "5 seconds" })   // 49, or TimeoutError
 * })
 * ```
 * @category proxies
 * @since 0.1.0
 */
export class AsyncResultProxy<A = unknown, E = unknown> extends BaseProxy {
  /** The job's value, or its error; TimeoutError when it is not ready within `timeout` (default: wait for it). */
  get(options: { readonly timeout?: Duration.Input | null | undefined } = {}): Effect.Effect<A, E | TimeoutError | CallError> {
    return this.call("get", toSeconds(options.timeout))
  }
  /** Whether the job has completed. */
  ready(): Effect.Effect<boolean, CallError> {
    return this.call("ready")
  }
  /** Whether the job completed without an error (ValueError before it is ready). */
  successful(): Effect.Effect<boolean, ValueError | CallError> {
    return this.call("successful")
  }
  /** Waits until the job has completed, or `timeout` passes. */
  wait(timeout?: Duration.Input | null): Effect.Effect<void, CallError> {
    return this.call("wait", toSeconds(timeout))
  }
}

// The object travels as its token, whichever API's proxy names it.
const callbackArg = (c: Callback | undefined): unknown => (c === undefined ? null : [c[0].token, c[1]])

/**
 * The proxy of a Pool: CPython's Pool methods, with functions named by a
 * string, an array of arguments where CPython takes a tuple, and options
 * objects for chunk sizes and callbacks.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Manager } from "effect-managers"
 *
 * // tasks.ts: export const square = (n: number) => n * n
 * type Tasks = { readonly square: (n: number) => number }
 *
 * const program = Effect.gen(function*() {
 *   const manager = yield* Manager
 *   const pool = yield* manager.Pool<Tasks>(2, { module: "./tasks.ts" })
 *   const squares = yield* pool.map("square", [1, 2, 3])       // [1, 4, 9]
 *   const next = yield* pool.imap("square", [4, 5])
 *   yield* next.next()                                          // 16
 * })
 * ```
 * @category proxies
 * @since 0.1.0
 */
export class PoolProxy<M = TaskModule> extends BaseProxy {
  /** Calls `fn(...args)` in a worker and waits for its result. */
  apply<K extends TaskName<M>>(fn: K, args: TaskArgs<M, K>): Effect.Effect<TaskResult<M, K>, TaskFailure<M, K> | SubmitError | CallError> {
    return this.call("apply", fn, [...args], null)
  }

  /** Calls `fn(...args)` in a worker; its result is an AsyncResult, in the caller's scope. */
  applyAsync<K extends TaskName<M>>(
    fn: K,
    args: TaskArgs<M, K>,
    options: CallbackOptions = {}
  ): Effect.Effect<AsyncResultProxy<TaskResult<M, K>, TaskFailure<M, K>>, SubmitError | CallError, Scope.Scope> {
    return this.core.callProxy("apply_async", [fn, [...args], null, callbackArg(options.callback), callbackArg(options.errorCallback)]) as never
  }

  /** `fn(x)` for every input, in chunks across the workers; waits for the results, in order. */
  map<K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options: ChunkOptions = {}
  ): Effect.Effect<Array<TaskResult<M, K>>, TaskFailure<M, K> | SubmitError | CallError> {
    return this.call("map", fn, [...inputs], options.chunksize ?? null)
  }

  /** `fn(x)` for every input; the list of results is an AsyncResult. */
  mapAsync<K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options: ChunkOptions & CallbackOptions = {}
  ): Effect.Effect<AsyncResultProxy<Array<TaskResult<M, K>>, TaskFailure<M, K>>, SubmitError | CallError, Scope.Scope> {
    return this.core.callProxy("map_async", [
      fn,
      [...inputs],
      options.chunksize ?? null,
      callbackArg(options.callback),
      callbackArg(options.errorCallback)
    ]) as never
  }

  /** `fn(...args)` for every input (each the arguments of one call); waits for the results, in order. */
  starmap<K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>>,
    options: ChunkOptions = {}
  ): Effect.Effect<Array<TaskResult<M, K>>, TaskFailure<M, K> | SubmitError | CallError> {
    return this.call("starmap", fn, [...inputs].map((args) => [...args]), options.chunksize ?? null)
  }

  /** `fn(...args)` for every input; the list of results is an AsyncResult. */
  starmapAsync<K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>>,
    options: ChunkOptions & CallbackOptions = {}
  ): Effect.Effect<AsyncResultProxy<Array<TaskResult<M, K>>, TaskFailure<M, K>>, SubmitError | CallError, Scope.Scope> {
    return this.core.callProxy("starmap_async", [
      fn,
      [...inputs].map((args) => [...args]),
      options.chunksize ?? null,
      callbackArg(options.callback),
      callbackArg(options.errorCallback)
    ]) as never
  }

  /** `fn(x)` for every input; an iterator over the results, in the inputs' order, each as soon as it is there. */
  imap<K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options: ChunkOptions = {}
  ): Effect.Effect<IteratorProxy<TaskResult<M, K>, TaskFailure<M, K>>, SubmitError | CallError, Scope.Scope> {
    return this.core.callProxy("imap", [fn, [...inputs], options.chunksize ?? null]) as never
  }

  /** `fn(x)` for every input; an iterator over the results in the order they complete. */
  imapUnordered<K extends TaskName<M>>(
    fn: K,
    inputs: Iterable<TaskArgs<M, K>[0]>,
    options: ChunkOptions = {}
  ): Effect.Effect<IteratorProxy<TaskResult<M, K>, TaskFailure<M, K>>, SubmitError | CallError, Scope.Scope> {
    return this.core.callProxy("imap_unordered", [fn, [...inputs], options.chunksize ?? null]) as never
  }

  /** Takes no more tasks; the workers exit once the tasks given have completed. */
  close(): Effect.Effect<void, CallError> {
    return this.call("close")
  }

  /** Waits until the workers have exited, after close or terminate (ValueError while the pool runs). */
  join(): Effect.Effect<void, ValueError | CallError> {
    return this.call("join")
  }

  /** Stops every worker now; tasks not completed fail with PoolTerminated. */
  terminate(): Effect.Effect<void, CallError> {
    return this.call("terminate")
  }
}
