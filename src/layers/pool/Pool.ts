/**
 * The Pool a manager serves (CPython's `multiprocessing.pool.Pool`, as
 * SyncManager registers it): `processes` workers, threads or processes of
 * the server, each of which imports the pool's module once; tasks name one
 * of its exported functions and give the arguments. The methods are
 * CPython's: apply, map, starmap and imap (and their async forms, whose
 * results are AsyncResult and Iterator objects), close, join and terminate.
 *
 * Jobs are cut into chunks that go, in order, to whichever worker is free,
 * one chunk per worker at a time. A worker that dies under a chunk is
 * replaced and the chunk fails with WorkerCrashed; with `maxtasksperchild`,
 * a worker is replaced after that many chunks. `terminate` stops every
 * worker at once, busy ones included, and fails what had not completed with
 * PoolTerminated; a Pool whose last reference goes is terminated. Its
 * workers, and the fibers that run callbacks, belong to the Pool's scope.
 *
 * Interrupting a waiting `apply` or `map` withdraws its chunks that have not
 * started; interrupting a waiting `get` only stops that wait.
 *
 * @since 0.1.0
 */
import { Deferred, Duration, Effect, Exit, FiberSet, Scope } from "effect"
import { isPending } from "../../domain/Eventually.ts"
import { PoolTerminated, WorkerCrashed } from "../../domain/PoolErrors.ts"
import { AttributeError, TypeError, ValueError } from "../../domain/PythonErrors.ts"
import { children, describe, dispose, getValue } from "../../domain/Referent.ts"
import type { Token } from "../../domain/Token.ts"
import { AsyncResult, type Callbacks, MapResult } from "../../domain/types/AsyncResult.ts"
import { PoolIterator } from "../../domain/types/PoolIterator.ts"
import type { LocalObjectsShape } from "../../services/LocalObjects.ts"
import { ModuleLoadError } from "../process/ModuleExport.ts"
import type { PoolSettings } from "./PoolSettings.ts"
import {
  argumentsOf,
  callbackTarget,
  chunksizeOf,
  chunksOf,
  encodingError,
  errorOf,
  functionName,
  inputsOf,
  type TaskCallback
} from "./Tasks.ts"
import type { FromWorker } from "./WorkerProtocol.ts"
import { spawnWorker, type WorkerHandle } from "./Workers.ts"

/** What a Pool exposes: CPython's PoolProxy. @category constants @since 0.1.0 */
export const poolExposed: ReadonlyArray<string> = [
  "apply", "apply_async", "close", "imap", "imap_unordered", "join", "map", "map_async", "starmap", "starmap_async", "terminate"
]

/** How long a Pool's workers may take to import its module (and run its initializer). @category constants @since 0.1.0 */
export const startTimeout: Duration.Duration = Duration.seconds(60)

/** Where a job's chunks report back: its result object. */
interface Sink {
  readonly setChunk: (index: number, ok: boolean, value: unknown) => Effect.Effect<void> | undefined | void
  readonly abort: (error: unknown) => Effect.Effect<void> | undefined | void
}

interface Job {
  readonly id: number
  readonly fn: string
  /** Whether each input is the arguments of its call (apply, starmap) or its one argument (map, imap). */
  readonly star: boolean
  readonly chunks: number
  settled: number
  cancelled: boolean
  readonly sink: Sink
  readonly callbacks: ReadonlyArray<Token>
}

interface Chunk {
  readonly job: Job
  readonly index: number
  readonly inputs: ReadonlyArray<unknown>
}

interface Slot {
  handle: WorkerHandle | undefined
  ready: boolean
  busy: Chunk | undefined
  /** The id the busy chunk was sent under (a reply for another is stale). */
  sent: number
  tasks: number
  leaving: boolean
}

type State = "RUN" | "CLOSE" | "TERMINATE"

/** @category models @since 0.1.0 */
export class Pool {
  private state: State = "RUN"
  private readonly settings: PoolSettings
  private readonly local: LocalObjectsShape
  private readonly id: string
  private readonly scope: Scope.Closeable
  private readonly runFork: (effect: Effect.Effect<void>) => unknown
  private readonly slots = new Set<Slot>()
  private readonly jobs = new Map<number, Job>()
  private queue: Array<Chunk> = []
  private head = 0
  private nextJob = 0
  private nextSend = 0
  private functions: ReadonlySet<string> = new Set()
  /** Why the pool can run nothing more: no worker could be started. */
  private broken: unknown = undefined
  private starting: { left: number; readonly done: Deferred.Deferred<void, unknown> } | undefined
  private readonly exited = Deferred.makeUnsafe<void>()

  private constructor(
    settings: PoolSettings,
    local: LocalObjectsShape,
    id: string,
    scope: Scope.Closeable,
    runFork: (effect: Effect.Effect<void>) => unknown
  ) {
    this.settings = settings
    this.local = local
    this.id = id
    this.scope = scope
    this.runFork = runFork
  }

  /**
   * Starts a Pool: its workers, each with the module loaded (and its
   * initializer run). Fails with ModuleLoadError when the module cannot be
   * imported, or with the initializer's error; then no worker is left.
   */
  static make(settings: PoolSettings, local: LocalObjectsShape, id: string): Effect.Effect<Pool, unknown> {
    return Effect.gen(function*() {
      const scope = yield* Scope.make()
      const runFork = yield* FiberSet.makeRuntime<never, void, never>().pipe(Scope.provide(scope))
      const pool = new Pool(settings, local, id, scope, runFork)
      const done = Deferred.makeUnsafe<void, unknown>()
      pool.starting = { left: settings.processes, done }
      for (let i = 0; i < settings.processes; i++) pool.spawn()
      const started = yield* Effect.exit(Deferred.await(done).pipe(
        Effect.timeoutOrElse({
          duration: startTimeout,
          orElse: () => Effect.fail(new ModuleLoadError({ specifier: settings.module, reason: `the workers had not loaded it after ${Duration.format(startTimeout)}` }))
        })
      ))
      pool.starting = undefined
      if (Exit.isFailure(started)) {
        yield* pool.shutdown
        return yield* Effect.failCause(started.cause)
      }
      return pool
    }).pipe(Effect.uninterruptible)
  }

  // ------------------------------------------------------------ CPython's methods

  /** `fn(...args)` in a worker; waits for its result. */
  apply(fn: unknown, args?: unknown, kwds?: unknown): Effect.Effect<unknown, unknown> {
    const result = new AsyncResult()
    return this.await(result, this.submit(fn, true, [this.callArguments(args, kwds)], 1, result))
  }

  /** `fn(...args)` in a worker; gives its AsyncResult at once. */
  apply_async(fn: unknown, args?: unknown, kwds?: unknown, callback?: unknown, error_callback?: unknown): AsyncResult {
    const [callbacks, tokens] = this.callbacks(callback, error_callback)
    const result = new AsyncResult(callbacks)
    this.submit(fn, true, [this.callArguments(args, kwds)], 1, result, tokens)
    return result
  }

  /** `fn(x)` for each input, in chunks; waits for the list of results. */
  map(fn: unknown, iterable: unknown, chunksize?: unknown): Effect.Effect<unknown, unknown> {
    const [result, job] = this.mapJob(fn, iterable, chunksize, false, {}, [])
    return this.await(result, job)
  }

  map_async(fn: unknown, iterable: unknown, chunksize?: unknown, callback?: unknown, error_callback?: unknown): AsyncResult {
    const [callbacks, tokens] = this.callbacks(callback, error_callback)
    return this.mapJob(fn, iterable, chunksize, false, callbacks, tokens)[0]
  }

  /** `fn(...args)` for each input (itself the arguments), in chunks; waits for the list of results. */
  starmap(fn: unknown, iterable: unknown, chunksize?: unknown): Effect.Effect<unknown, unknown> {
    const [result, job] = this.mapJob(fn, iterable, chunksize, true, {}, [])
    return this.await(result, job)
  }

  starmap_async(fn: unknown, iterable: unknown, chunksize?: unknown, callback?: unknown, error_callback?: unknown): AsyncResult {
    const [callbacks, tokens] = this.callbacks(callback, error_callback)
    return this.mapJob(fn, iterable, chunksize, true, callbacks, tokens)[0]
  }

  /** `fn(x)` for each input; an iterator over the results, in the inputs' order. */
  imap(fn: unknown, iterable: unknown, chunksize?: unknown): PoolIterator {
    return this.iterate(fn, iterable, chunksize, true)
  }

  /** `fn(x)` for each input; an iterator over the results, as they complete. */
  imap_unordered(fn: unknown, iterable: unknown, chunksize?: unknown): PoolIterator {
    return this.iterate(fn, iterable, chunksize, false)
  }

  /** Takes no more tasks; the workers exit once the tasks given have completed. */
  close(): void {
    if (this.state !== "RUN") return
    this.state = "CLOSE"
    this.finishIfDone()
  }

  /** Stops every worker now, busy ones included; what had not completed fails with PoolTerminated. */
  terminate(): Effect.Effect<void> {
    return this.shutdown
  }

  /** Waits for the workers to exit, after close or terminate (ValueError while the pool runs). */
  join(): void | Effect.Effect<void> {
    if (this.state === "RUN") throw ValueError.make("Pool is still running")
    return Deferred.await(this.exited)
  }

  // ------------------------------------------------------------ referent hooks

  /** The shared objects the pending jobs' callbacks will call: the pool holds them until then. */
  [children](): Iterable<Token> {
    const out: Array<Token> = []
    for (const job of this.jobs.values()) out.push(...job.callbacks)
    return out
  }

  [dispose](): Effect.Effect<void> {
    return this.shutdown
  }

  // CPython's: "pool objects cannot be passed between processes or pickled".
  [getValue](): never {
    throw TypeError.make("a Pool cannot be copied: it lives in its server, with its workers")
  }

  [describe](): string {
    return this.toString()
  }

  toString(): string {
    return `<Pool state=${this.state} pool_size=${this.settings.processes} module=${this.settings.module}>`
  }

  // ------------------------------------------------------------ jobs

  private callArguments(args: unknown, kwds: unknown): ReadonlyArray<unknown> {
    const hasKeywords = kwds instanceof Map ? kwds.size > 0 : kwds !== null && kwds !== undefined && Object.keys(kwds).length > 0
    if (hasKeywords) throw TypeError.make("JavaScript functions take no keyword arguments: pass them in args")
    return args === null || args === undefined ? [] : argumentsOf(args)
  }

  private callbacks(callback: unknown, errorCallback: unknown): [Callbacks, ReadonlyArray<Token>] {
    const make = (u: unknown): TaskCallback | undefined => {
      const target = callbackTarget(u)
      if (target === undefined) return undefined
      if (!this.local.owns(target.token)) {
        throw ValueError.make(`a Pool callback calls a live object of this manager; ${target.token.typeid} ${target.token.id} is not one`)
      }
      return {
        token: target.token,
        run: (value) =>
          this.local.call(target.token, target.method, [value]).pipe(
            Effect.catchCause((cause) => Effect.logWarning(`a Pool callback, ${target.method} of ${target.token.typeid} ${target.token.id}, failed`, cause)),
            Effect.asVoid
          )
      }
    }
    const ok = make(callback)
    const failed = make(errorCallback)
    const tokens = [ok?.token, failed?.token].filter((t): t is Token => t !== undefined)
    return [{ callback: ok?.run, errorCallback: failed?.run }, tokens]
  }

  private mapJob(
    fn: unknown,
    iterable: unknown,
    chunksize: unknown,
    star: boolean,
    callbacks: Callbacks,
    tokens: ReadonlyArray<Token>
  ): [MapResult, Job | undefined] {
    this.check()
    const inputs = inputsOf(iterable)
    const size = chunksizeOf(chunksize, inputs.length, this.settings.processes, "map")
    const result = new MapResult(inputs.length, size, callbacks)
    if (inputs.length === 0) {
      this.functionOf(fn)
      const callback = result.start()
      if (callback !== undefined) this.runFork(callback)
      return [result, undefined]
    }
    return [result, this.submit(fn, star, star ? inputs.map(argumentsOf) : inputs, size, result, tokens)]
  }

  private iterate(fn: unknown, iterable: unknown, chunksize: unknown, ordered: boolean): PoolIterator {
    this.check()
    const inputs = inputsOf(iterable)
    const size = chunksizeOf(chunksize, inputs.length, this.settings.processes, "imap")
    let job: Job | undefined
    const iterator = new PoolIterator({
      ordered,
      chunks: Math.ceil(inputs.length / size),
      cancel: () => job !== undefined && this.cancel(job)
    })
    if (inputs.length === 0) this.functionOf(fn)
    else job = this.submit(fn, false, inputs, size, iterator)
    return iterator
  }

  // The name of a function the module exports, or why `fn` is none.
  private functionOf(fn: unknown): string {
    const name = functionName(fn, this.settings.module)
    if (!this.functions.has(name)) throw AttributeError.make(`module '${this.settings.module}' has no function '${name}'`)
    return name
  }

  private check(): void {
    if (this.broken !== undefined) throw this.broken
    if (this.state !== "RUN") throw ValueError.make("Pool not running")
  }

  private submit(
    fn: unknown,
    star: boolean,
    inputs: ReadonlyArray<unknown>,
    size: number,
    sink: Sink,
    callbacks: ReadonlyArray<Token> = []
  ): Job {
    this.check()
    const name = this.functionOf(fn)
    const chunks = chunksOf(inputs, size)
    const job: Job = { id: this.nextJob++, fn: name, star, chunks: chunks.length, settled: 0, cancelled: false, sink, callbacks }
    this.jobs.set(job.id, job)
    for (let i = 0; i < chunks.length; i++) this.queue.push({ job, index: i, inputs: chunks[i]! })
    this.dispatch()
    return job
  }

  // A waiting apply or map: interrupted, its chunks not started are withdrawn.
  private await(result: AsyncResult, job: Job | undefined): Effect.Effect<unknown, unknown> {
    return Effect.onInterrupt(
      Effect.suspend(() => {
        try {
          const r = result.get(null)
          return isPending(r) ? r as Effect.Effect<unknown, unknown> : Effect.succeed(r)
        } catch (e) {
          return Effect.fail(e)
        }
      }),
      () => Effect.sync(() => job !== undefined && this.cancel(job))
    )
  }

  private cancel(job: Job): void {
    job.cancelled = true
    this.jobs.delete(job.id)
    this.finishIfDone()
  }

  private settle(chunk: Chunk, ok: boolean, value: unknown): void {
    const job = chunk.job
    if (job.cancelled) return
    job.settled++
    const effect = job.sink.setChunk(chunk.index, ok, value) ?? undefined
    if (job.settled < job.chunks) {
      if (effect !== undefined) this.runFork(effect)
      return
    }
    // The job is done once its callback has run; until then the pool holds the callback's object.
    const done = Effect.suspend(() => {
      this.jobs.delete(job.id)
      return job.callbacks.length > 0 ? this.local.updateChildren(this.id) : Effect.void
    })
    if (effect === undefined && job.callbacks.length === 0) this.jobs.delete(job.id)
    else this.runFork(effect === undefined ? done : Effect.ensuring(effect, done))
  }

  // ------------------------------------------------------------ workers

  private spawn(): void {
    const slot: Slot = { handle: undefined, ready: false, busy: undefined, sent: 0, tasks: 0, leaving: false }
    this.slots.add(slot)
    try {
      slot.handle = spawnWorker(this.settings.workers, {
        onMessage: (m) => this.onMessage(slot, m),
        onExit: (code, reason) => this.onExit(slot, code, reason)
      })
      slot.handle.post({ _tag: "Load", module: this.settings.url, initializer: this.settings.initializer, initargs: this.settings.initargs })
    } catch (e) {
      this.onExit(slot, null, `could not start: ${(e as Error)?.message ?? String(e)}`)
    }
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m._tag) {
      case "Ready": {
        slot.ready = true
        this.functions = new Set(m.functions)
        if (this.starting !== undefined && --this.starting.left === 0) Deferred.doneUnsafe(this.starting.done, Effect.void)
        break
      }
      case "LoadFailed": {
        const error = m.stage === "import"
          ? new ModuleLoadError({ specifier: this.settings.module, reason: m.error.message })
          : errorOf(m.error)
        this.retire(slot)
        this.cannotStart(error)
        break
      }
      case "Done":
      case "Failed": {
        const chunk = slot.busy
        if (chunk === undefined || m.chunk !== slot.sent) return
        slot.busy = undefined
        slot.tasks++
        if (m._tag === "Done") this.settle(chunk, true, m.results)
        else this.settle(chunk, false, m.unsendable !== undefined ? encodingError(m.error, m.unsendable) : errorOf(m.error))
        const max = this.settings.maxtasksperchild
        if (max !== null && slot.tasks >= max) {
          this.retire(slot)
          if (this.needsWorkers()) this.spawn()
        }
        break
      }
    }
    this.dispatch()
    this.finishIfDone()
  }

  private onExit(slot: Slot, exitCode: number | null, reason: string): void {
    this.slots.delete(slot)
    const chunk = slot.busy
    slot.busy = undefined
    if (!slot.leaving) {
      const crash = new WorkerCrashed({ exitCode, reason })
      if (chunk !== undefined) this.settle(chunk, false, crash)
      // A worker that dies before it is ready would die again: nothing is started in its place.
      if (!slot.ready) this.cannotStart(crash)
      else if (this.needsWorkers()) this.spawn()
    }
    this.dispatch()
    this.finishIfDone()
  }

  // A worker could not start: while starting, the pool fails; later, it fails once no worker is left.
  private cannotStart(error: unknown): void {
    if (this.starting !== undefined) {
      Deferred.doneUnsafe(this.starting.done, Effect.fail(error))
      return
    }
    if ([...this.slots].some((s) => !s.leaving) || this.state === "TERMINATE") return
    this.broken = error
    this.abortAll(error)
  }

  private needsWorkers(): boolean {
    return this.broken === undefined && (this.state === "RUN" || (this.state === "CLOSE" && this.queued() > 0))
  }

  private retire(slot: Slot): void {
    if (slot.leaving) return
    slot.leaving = true
    void slot.handle?.stop()
  }

  private queued(): number {
    return this.queue.length - this.head
  }

  private nextChunk(): Chunk | undefined {
    while (this.head < this.queue.length) {
      const chunk = this.queue[this.head++]!
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
      if (!chunk.job.cancelled) return chunk
    }
    return undefined
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.leaving || slot.busy !== undefined || slot.handle === undefined) continue
      const chunk = this.nextChunk()
      if (chunk === undefined) return
      slot.busy = chunk
      slot.sent = ++this.nextSend
      try {
        slot.handle.post({ _tag: "Run", chunk: slot.sent, fn: chunk.job.fn, star: chunk.job.star, items: chunk.inputs })
      } catch (e) {
        slot.busy = undefined
        this.settle(chunk, false, TypeError.make(`the task's arguments cannot be sent to a worker: ${(e as Error)?.message ?? String(e)}`))
      }
    }
  }

  // After close, once nothing is left to run, the workers go; once they have, join returns.
  private finishIfDone(): void {
    if (this.state === "RUN") return
    if (this.state === "CLOSE" && (this.queued() > 0 || [...this.slots].some((s) => s.busy !== undefined))) return
    for (const slot of this.slots) this.retire(slot)
    if (this.slots.size === 0) Deferred.doneUnsafe(this.exited, Effect.void)
  }

  private abortAll(error: unknown): void {
    this.queue = []
    this.head = 0
    const jobs = [...this.jobs.values()]
    this.jobs.clear()
    for (const job of jobs) {
      job.cancelled = true
      // Nobody is told through a callback: the job did not complete.
      job.sink.abort(error)
    }
  }

  private get shutdown(): Effect.Effect<void> {
    return Effect.suspend(() => {
      if (this.state !== "TERMINATE") {
        this.state = "TERMINATE"
        this.abortAll(new PoolTerminated())
        this.finishIfDone()
      }
      return Effect.andThen(Deferred.await(this.exited), Scope.close(this.scope, Exit.void))
    }).pipe(Effect.uninterruptible)
  }
}
