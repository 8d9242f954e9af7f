/**
 * The result of a Pool job, as CPython's `ApplyResult` and `MapResult`:
 * ready once every chunk of the job has come back, successful when none
 * failed (the first failure is the result's error, as CPython keeps it), and
 * `get` waits for it, failing with TimeoutError when its timeout passes
 * first. A callback given with the job runs before the result is ready, as
 * in CPython, so whoever waited sees what the callback did.
 *
 * Waiting is the only part that can be interrupted: an interrupted `get` or
 * `wait` stops waiting, and the result stays for the next one.
 *
 * @since 0.1.0
 */
import { Deferred, Duration, Effect } from "effect"
import { getValue } from "../Referent.ts"
import { TimeoutError, TypeError, ValueError } from "../PythonErrors.ts"

/** What runs when a job completes: given its value (or its error). @category models @since 0.1.0 */
export type Callback = (value: unknown) => Effect.Effect<void>

/** The callbacks of a job. @category models @since 0.1.0 */
export interface Callbacks {
  readonly callback?: Callback | undefined
  readonly errorCallback?: Callback | undefined
}

/** Waits for `latch` at most `timeout` seconds (null: forever); gives whether it was done. @category combinators @since 0.1.0 */
export const awaitFor = (latch: Deferred.Deferred<void>, timeout: number | null | undefined): Effect.Effect<boolean> => {
  if (timeout === null || timeout === undefined) return Effect.as(Deferred.await(latch), true)
  return Effect.map(
    Effect.timeoutOption(Deferred.await(latch), Duration.millis(Math.max(0, Number(timeout) * 1000))),
    (o) => o._tag === "Some"
  )
}

/**
 * The result of `apply_async` (one call), and the base of a map's result.
 *
 * @category models
 * @since 0.1.0
 */
export class AsyncResult {
  private done = false
  private completing = false
  private success = false
  private value: unknown = undefined
  private readonly latch = Deferred.makeUnsafe<void>()
  private readonly callbacks: Callbacks

  constructor(callbacks: Callbacks = {}) {
    this.callbacks = callbacks
  }

  /** Whether the job has completed. */
  ready(): boolean {
    return this.done
  }

  /** Whether it completed without an error; ValueError before it is ready. */
  successful(): boolean {
    if (!this.done) throw ValueError.make(`${this.toString()} not ready`)
    return this.success
  }

  /** Waits until it is ready, or `timeout` seconds pass. */
  wait(timeout?: number | null): void | Effect.Effect<void> {
    if (this.done) return
    return Effect.asVoid(awaitFor(this.latch, timeout))
  }

  /** The job's value, or its error; TimeoutError when it is not ready within `timeout` seconds. */
  get(timeout?: number | null): unknown {
    if (this.done) return this.outcome()
    return Effect.flatMap(awaitFor(this.latch, timeout), (ready) =>
      ready
        ? Effect.suspend(() => this.success ? Effect.succeed(this.value) : Effect.fail(this.value))
        : Effect.fail(TimeoutError.make(`the result was not ready within ${timeout} seconds`)))
  }

  /**
   * One chunk of the job came back (`values` are its results, or `ok` is
   * false and `values` is its error). Gives the callback's effect to run
   * when this completed the job with one.
   */
  setChunk(_index: number, ok: boolean, values: unknown): Effect.Effect<void> | undefined {
    return this.complete(ok, ok ? (values as ReadonlyArray<unknown>)[0] : values)
  }

  /**
   * The job will not complete (its pool was terminated): it fails with
   * `error` at once, unless it has completed; no callback runs.
   */
  abort(error: unknown): void {
    if (this.completing) return
    this.completing = true
    this.success = false
    this.value = error
    this.finish()
  }

  protected complete(success: boolean, value: unknown): Effect.Effect<void> | undefined {
    if (this.completing) return undefined
    this.completing = true
    this.success = success
    this.value = value
    const callback = success ? this.callbacks.callback : this.callbacks.errorCallback
    if (callback === undefined) {
      this.finish()
      return undefined
    }
    return Effect.ensuring(callback(value), Effect.sync(() => this.finish()))
  }

  private finish(): void {
    this.done = true
    Deferred.doneUnsafe(this.latch, Effect.void)
  }

  private outcome(): unknown {
    if (this.success) return this.value
    throw this.value
  }

  /** It waits on its Pool: a copy could never complete. */
  [getValue](): never {
    throw TypeError.make("an AsyncResult cannot be copied: get its value with get()")
  }

  toString(): string {
    return `<AsyncResult ${this.done ? (this.success ? "ready" : "failed") : "pending"}>`
  }
}

/**
 * The result of `map_async` and `starmap_async`: the chunks' values in
 * order, ready once every chunk has come back (CPython's `MapResult`).
 *
 * @category models
 * @since 0.1.0
 */
export class MapResult extends AsyncResult {
  private readonly values: Array<unknown>
  private readonly chunksize: number
  private left: number
  private failed = false
  private error: unknown = undefined

  constructor(length: number, chunksize: number, callbacks: Callbacks = {}) {
    super(callbacks)
    this.values = new Array(length).fill(null)
    this.chunksize = chunksize
    this.left = length === 0 ? 0 : Math.ceil(length / chunksize)
  }

  /** An empty map is ready at once (its callback, if any, is the effect to run). */
  start(): Effect.Effect<void> | undefined {
    return this.left === 0 ? this.complete(true, this.values) : undefined
  }

  override setChunk(index: number, ok: boolean, values: unknown): Effect.Effect<void> | undefined {
    this.left--
    if (ok && !this.failed) {
      const items = values as ReadonlyArray<unknown>
      for (let i = 0; i < items.length; i++) this.values[index * this.chunksize + i] = items[i]
    } else if (!ok && !this.failed) {
      // Only the first error is kept, as CPython's.
      this.failed = true
      this.error = values
    }
    // Ready only once every chunk is back (CPython's "no fail-fast").
    if (this.left > 0) return undefined
    return this.failed ? this.complete(false, this.error) : this.complete(true, this.values)
  }
}
