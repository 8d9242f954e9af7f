/**
 * CPython's _TestPool, _TestPoolWorkerErrors and _TestPoolWorkerLifetime
 * (Lib/test/_test_multiprocessing.py), for a Pool on a manager: functions
 * named from test/pool/tasks.ts instead of Python functions, arrays where
 * CPython passes tuples. The cases CPython itself skips for managers
 * (iterables that raise, `with pool` and resource warnings on a local
 * Pool) have no counterpart; nor do those about Python's pickling of
 * arguments and garbage collection, which our wire has no equivalent of
 * (every value that arrives can be sent to a worker).
 */
import { expect, layer } from "@effect/vitest"
import { Context, Effect, Fiber, Layer, type Scope } from "effect"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import type { PoolProxy } from "../../src/proxy/PoolProxy.ts"
import { clean } from "../support/harness.ts"
import { effectTasksModule, type EffectTasks, type Tasks, tasksModule } from "./support.ts"

const range = (n: number) => Array.from({ length: n }, (_, i) => i)
const sqr = (x: number) => x * x

// CPython's TIMEOUT1 and TIMEOUT2 are 0.1 and 0.2 seconds (scaled up on slow machines).
const TIMEOUT1 = 0.1
const TIMEOUT2 = 0.2

const pool = (processes: number, options: { readonly maxtasksperchild?: number } = {}) =>
  Effect.gen(function*() {
    const m = yield* Manager
    return yield* m.Pool<Tasks>(processes, { module: tasksModule, ...options })
  })

// CPython's setUpClass: one Pool(4) for the cases that use `self.pool`.
class SharedPool extends Context.Service<SharedPool, PoolProxy<Tasks>>()("test/SharedPool") {}
const withSharedPool = Layer.effect(SharedPool, pool(4)).pipe(Layer.provideMerge(InProcessManager.layer()))

/** Runs `body` in its own scope, then checks the manager holds nothing but the shared pool. */
const cleanBesidesPool = <A, E, R>(body: Effect.Effect<A, E, R | Scope.Scope>) =>
  Effect.gen(function*() {
    const result = yield* Effect.scoped(body)
    expect(yield* (yield* Manager).numberOfObjects).toBe(1)
    return result
  })

layer(withSharedPool, { excludeTestServices: true })("_TestPool", (it) => {
  it.effect("test_apply: apply(sqr, [5])", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      expect(yield* p.apply("sqr", [5])).toBe(25)
      expect(yield* p.apply("sqr", [3])).toBe(9)
    })))

  it.effect("test_map: map(sqr, range(10)), and range(100) with chunksize 20", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      expect(yield* p.map("sqr", range(10))).toEqual(range(10).map(sqr))
      expect(yield* p.map("sqr", range(100), { chunksize: 20 })).toEqual(range(100).map(sqr))
    })))

  it.effect("test_starmap and test_starmap_async: mul over zip(range(n), reversed(range(n)))", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      const tuples = (n: number) => range(n).map((i) => [i, n - 1 - i] as [number, number])
      expect(yield* p.starmap("mul", tuples(10))).toEqual(tuples(10).map(([a, b]) => a * b))
      expect(yield* p.starmap("mul", tuples(100), { chunksize: 20 })).toEqual(tuples(100).map(([a, b]) => a * b))
      const r = yield* p.starmapAsync("mul", tuples(100))
      expect(yield* r.get()).toEqual(tuples(100).map(([a, b]) => a * b))
    })))

  it.effect("test_map_async: map_async(sqr, range(10)).get()", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      const r = yield* p.mapAsync("sqr", range(10))
      expect(yield* r.get()).toEqual(range(10).map(sqr))
    })))

  it.effect("test_map_async_callbacks: a shared list's append is the callback and the error callback, run before the result is ready", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* SharedPool
      const callArgs = yield* m.list<unknown>()
      const append = [callArgs, "append"] as const
      const ok = yield* p.mapAsync("toInt", ["1"], { callback: append, errorCallback: append })
      yield* ok.wait()
      expect(yield* callArgs.length()).toBe(1)
      expect(yield* callArgs.get(0)).toEqual([1])
      const failed = yield* p.mapAsync("toInt", ["a"], { callback: append, errorCallback: append })
      yield* failed.wait()
      expect(yield* callArgs.length()).toBe(2)
      expect(((yield* callArgs.get(1)) as { readonly _tag: string })._tag).toBe("ValueError")
      expect(yield* Effect.flip(failed.get())).toMatchObject({ _tag: "ValueError", message: "invalid literal for int() with base 10: 'a'" })
    })))

  it.effect("test_map_chunksize: map_async over [] with chunksize 1 does not stall", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      const r = yield* p.mapAsync("sqr", [], { chunksize: 1 })
      expect(yield* r.get({ timeout: TIMEOUT1 * 1000 })).toEqual([])
    })))

  it.effect("test_async: apply_async(sqr, [7, TIMEOUT1]) is not ready at once, then gives 49", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      const r = yield* p.applyAsync("sqr", [7, TIMEOUT1 * 3])
      expect(yield* r.ready()).toBe(false)
      expect(yield* Effect.flip(r.successful())).toMatchObject({ _tag: "ValueError" })
      expect(yield* r.get()).toBe(49)
      expect([yield* r.ready(), yield* r.successful()]).toEqual([true, true])
    })))

  it.effect("test_async_timeout: get with a timeout shorter than the task fails with TimeoutError", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(3)
      const r = yield* p.applyAsync("sqr", [6, TIMEOUT2 + 5])
      const error = yield* Effect.flip(r.get({ timeout: TIMEOUT2 * 1000 }))
      expect(error._tag).toBe("TimeoutError")
      expect(yield* r.ready()).toBe(false)
      yield* p.terminate()
      yield* p.join()
    })))

  it.effect("test_imap: list(imap(...)), next() one by one then StopIteration, and 1000 inputs in chunks of 100", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      expect(yield* (yield* p.imap("sqr", range(10))).toArray()).toEqual(range(10).map(sqr))
      const it = yield* p.imap("sqr", range(10))
      for (const i of range(10)) expect(yield* it.next()).toBe(i * i)
      expect((yield* Effect.flip(it.next()))._tag).toBe("StopIteration")
      const big = yield* p.imap("sqr", range(1000), { chunksize: 100 })
      for (const i of range(1000)) expect(yield* big.next()).toBe(i * i)
      expect((yield* Effect.flip(big.next()))._tag).toBe("StopIteration")
    })))

  it.effect("test_imap_unordered: every result, in some order, with and without chunks", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* SharedPool
      const sorted = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)
      expect(sorted(yield* (yield* p.imapUnordered("sqr", range(10))).toArray())).toEqual(range(10).map(sqr))
      expect(sorted(yield* (yield* p.imapUnordered("sqr", range(1000), { chunksize: 100 })).toArray())).toEqual(range(1000).map(sqr))
    })))

  it.effect("test_make_pool: Pool(-1) and Pool(0) fail with ValueError", () =>
    cleanBesidesPool(Effect.gen(function*() {
      for (const n of [-1, 0]) {
        const error = yield* Effect.flip(pool(n))
        expect(error).toMatchObject({ _tag: "ValueError", message: "Number of processes must be at least 1" })
      }
    })))

  it.effect("test_terminate: terminate with 10,000 long tasks pending returns, and what had not completed fails with PoolTerminated", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(3)
      // Each task would sleep a minute: only stopping busy workers lets this test end.
      const r = yield* p.mapAsync("sleep", range(10_000).map(() => 60), { chunksize: 1 })
      yield* Effect.sleep("200 millis")
      yield* p.terminate()
      yield* p.join()
      expect((yield* Effect.flip(r.get()))._tag).toBe("PoolTerminated")
      expect(yield* Effect.flip(p.apply("sqr", [1]))).toMatchObject({ _tag: "ValueError", message: "Pool not running" })
    })))

  it.effect("test_empty_iterable: map, imap, imap_unordered and map_async over [] give []", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(1)
      expect(yield* p.map("sqr", [])).toEqual([])
      expect(yield* (yield* p.imap("sqr", [])).toArray()).toEqual([])
      expect(yield* (yield* p.imapUnordered("sqr", [])).toArray()).toEqual([])
      expect(yield* (yield* p.mapAsync("sqr", [])).get()).toEqual([])
      yield* p.close()
      yield* p.join()
    })))

  it.effect("test_context: a closed and joined pool refuses map_async with ValueError", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(2)
      const r = yield* p.mapAsync("sqr", range(10))
      expect(yield* r.get()).toEqual(range(10).map(sqr))
      yield* p.close()
      yield* p.join()
      expect(yield* Effect.flip(p.mapAsync("sqr", range(10)))).toMatchObject({ _tag: "ValueError", message: "Pool not running" })
    })))

  it.effect("test_traceback: an error of no tagged class comes back as a TaskError with the worker's stack", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(1)
      const error = yield* Effect.flip(p.apply("raisingRuntimeError", []))
      expect(error).toMatchObject({ _tag: "TaskError", errorName: "RangeError", message: "123 (some comment)" })
      expect((error as { traceback?: string }).traceback).toContain("raisingRuntimeError")
    })))

  it.effect("test_wrapped_exception: a task's error is not wrapped (KeyError is KeyError; a tagged error keeps its tag)", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(1)
      expect(yield* Effect.flip(p.apply("raising", []))).toMatchObject({ _tag: "KeyError", args: ["key"] })
      expect(yield* Effect.flip(p.apply("withdraw", [10, 50]))).toMatchObject({ _tag: "Overdrawn", balance: 10, message: "overdrawn: the balance is 10" })
      // A function that returns an Effect: its typed failure is the task's error.
      const m = yield* Manager
      const effects = yield* m.Pool<EffectTasks>(1, { module: effectTasksModule })
      const overdrawn = yield* Effect.flip(effects.apply("withdraw", [10, 50]))
      expect(overdrawn).toMatchObject({ _tag: "Overdrawn", balance: 10 })
      expect(yield* effects.apply("withdraw", [50, 10])).toBe(40)
      const thrown = yield* Effect.flip(effects.apply("raising", []))
      expect(thrown).toMatchObject({ _tag: "KeyError", args: ["key"], message: "'key'" })
      expect(yield* Effect.flip(effects.apply("defect", []))).toMatchObject({ _tag: "TaskError", errorName: "RangeError", message: "no such account" })
    })))

  it.effect("test_map_no_failfast: a map whose first chunk failed is ready only once the others are back; its error is the first one", () =>
    cleanBesidesPool(Effect.gen(function*() {
      const p = yield* pool(2)
      const r = yield* p.mapAsync("raiseLargeValueError", [0, 1], { chunksize: 1 })
      // The first task fails at once; the second sleeps a second.
      yield* r.wait(TIMEOUT2 * 1000)
      expect(yield* r.ready()).toBe(false)
      const error = yield* Effect.flip(r.get())
      expect(error._tag).toBe("ValueError")
      expect((error as { message: string }).message.length).toBe(1024 * 1024)
    })))
})

layer(InProcessManager.layer(), { excludeTestServices: true })("_TestPoolWorkerErrors", (it) => {
  it.effect("test_async_error_callback: apply_async(raising, error_callback=errors.append) gives KeyError to both", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* pool(2)
      const scratchpad = yield* m.list<{ _tag: string }>()
      const r = yield* p.applyAsync("raising", [], { errorCallback: [scratchpad, "append"] })
      expect((yield* Effect.flip(r.get()))._tag).toBe("KeyError")
      expect((yield* scratchpad.get(0))._tag).toBe("KeyError")
      yield* p.close()
      yield* p.join()
    })))

  it.effect("test_unpickleable_result: a result no channel carries is a MaybeEncodingError, 20 times, and no worker is lost", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* pool(2)
      for (let i = 0; i < 20; i++) {
        const scratchpad = yield* m.list<{ _tag: string; args: ReadonlyArray<string> }>()
        const r = yield* p.applyAsync("unsendableResult", [], { errorCallback: [scratchpad, "append"] })
        expect((yield* Effect.flip(r.get()))._tag).toBe("MaybeEncodingError")
        const wrapped = yield* scratchpad.get(0)
        expect(wrapped._tag).toBe("MaybeEncodingError")
        expect(wrapped.args).toHaveLength(2)
        expect(wrapped.args.every((a) => a.length > 0)).toBe(true)
        yield* scratchpad.releaseProxy
      }
      expect(yield* p.apply("sqr", [4])).toBe(16)
      yield* p.close()
      yield* p.join()
    })))
})

layer(InProcessManager.layer(), { excludeTestServices: true })("_TestPoolWorkerLifetime", (it) => {
  it.effect("test_pool_worker_lifetime: with maxtasksperchild=10, 100 tasks complete and every worker is replaced", () =>
    clean(Effect.gen(function*() {
      const p = yield* pool(3, { maxtasksperchild: 10 })
      const first = yield* Effect.forEach(range(3), () => p.applyAsync("workerId", []))
      const original = new Set(yield* Effect.forEach(first, (r) => r.get()))
      const results = yield* Effect.forEach(range(100), (i) => p.applyAsync("sqr", [i]))
      for (const [j, r] of results.entries()) expect(yield* r.get()).toBe(j * j)
      const later = new Set(yield* p.map("workerId", range(30), { chunksize: 1 }))
      expect([...later].filter((id) => original.has(id))).toEqual([])
      yield* p.close()
      yield* p.join()
    })))

  it.effect("test_pool_worker_lifetime_early_close: closed with tasks pending and maxtasksperchild=1, join returns and every result is there", () =>
    clean(Effect.gen(function*() {
      const p = yield* pool(3, { maxtasksperchild: 1 })
      const results = yield* Effect.forEach(range(6), (i) => p.applyAsync("sqr", [i, 0.3]))
      yield* p.close()
      yield* p.join()
      for (const [j, r] of results.entries()) expect(yield* r.get()).toBe(j * j)
    })))

  it.effect("test_pool_maxtasksperchild_invalid: 0, -1, 0.5 and \"12\" fail with ValueError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      for (const value of [0, -1, 0.5, "12"]) {
        const error = yield* Effect.flip(m.createWith("Pool", [3], { module: tasksModule, maxtasksperchild: value }))
        expect(error).toMatchObject({ _tag: "ValueError", message: "maxtasksperchild must be a positive int or None" })
      }
    })))
})

// What interrupting a waiting call does: only the wait ends.
layer(InProcessManager.layer(), { excludeTestServices: true })("interrupted Pool calls", (it) => {
  it.effect("an interrupted get stops waiting; the result stays for the next get", () =>
    clean(Effect.gen(function*() {
      const p = yield* pool(1)
      const r = yield* p.applyAsync("sqr", [8, 0.3])
      const waiting = yield* Effect.forkChild(r.get())
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(waiting)
      expect(yield* r.get()).toBe(64)
    })))

  it.effect("an interrupted imap next takes nothing: the next next gives that result", () =>
    clean(Effect.gen(function*() {
      const p = yield* pool(1)
      const it = yield* p.imap("countedSleep", [0.3, 0])
      const waiting = yield* Effect.forkChild(it.next())
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(waiting)
      expect(yield* it.toArray()).toEqual([undefined, undefined])
    })))

  it.effect("an interrupted map withdraws its tasks that had not started", () =>
    clean(Effect.gen(function*() {
      const p = yield* pool(1)
      const waiting = yield* Effect.forkChild(p.map("countedSleep", range(10).map(() => 0.2), { chunksize: 1 }))
      yield* Effect.sleep("50 millis")
      yield* Fiber.interrupt(waiting)
      // The one worker ran at most the task it had started, and none of the nine others.
      expect(yield* p.apply("tasksRunHere", [])).toBeLessThanOrEqual(1)
    })))
})
