/**
 * A Pool's workers, threads and processes alike: a worker that dies under
 * a task is replaced and the task fails with WorkerCrashed; a Pool whose
 * last reference goes, a server that shuts down and a client killed with
 * SIGKILL (its lease) leave no worker thread or process behind; bad
 * arguments fail with clear, typed errors, and the pool goes on serving.
 */
import { afterAll, describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import * as StartedManager from "../../src/layers/StartedManager.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean } from "../support/harness.ts"
import { assertNoChildren, worker } from "../support/processes.ts"
import { alive, eventually, type Tasks, tasksModule, workerProcesses, workerThreads } from "./support.ts"

const kinds = ["threads", "processes"] as const

/** The workers a Pool of `kind` has running in this process: thread count, or live worker pids. */
const running = (kind: (typeof kinds)[number]) => (kind === "threads" ? workerThreads() : workerProcesses().length)

// How many run once the last test's pools are gone (their release is a message nobody waits for).
const settled = (kind: (typeof kinds)[number]) =>
  Effect.gen(function*() {
    let last = running(kind)
    for (let i = 0; i < 100; i++) {
      yield* Effect.sleep("50 millis")
      const now = running(kind)
      if (now === last) return now
      last = now
    }
    return last
  })

afterAll(() => assertNoChildren())

for (const kind of kinds) {
  const pool = (processes: number) =>
    Effect.gen(function*() {
      const m = yield* Manager
      return yield* m.Pool<Tasks>(processes, { module: tasksModule, workers: kind })
    })

  layer(InProcessManager.layer(), { excludeTestServices: true })(`Pool workers (${kind})`, (it) => {
    it.effect("process.exit in a task: the task fails with WorkerCrashed and its exit code; a new worker runs the next task", () =>
      clean(Effect.gen(function*() {
        const p = yield* pool(1)
        const before = yield* p.apply("workerId", [])
        expect(yield* Effect.flip(p.apply("exit", [3]))).toMatchObject({ _tag: "WorkerCrashed", exitCode: 3 })
        expect(yield* p.apply("sqr", [9])).toBe(81)
        expect(yield* p.apply("workerId", [])).not.toBe(before)
      })))

    it.effect("an error thrown outside any task (in a timer) crashes the worker: WorkerCrashed, and the pool goes on", () =>
      clean(Effect.gen(function*() {
        const p = yield* pool(1)
        const crashed = yield* Effect.flip(p.apply("throwLater", []))
        expect(crashed._tag).toBe("WorkerCrashed")
        expect(yield* p.map("sqr", [1, 2, 3])).toEqual([1, 4, 9])
      })))

    it.effect("releasing a Pool's last proxy terminates its workers, busy ones included", () =>
      Effect.gen(function*() {
        const baseline = yield* settled(kind)
        yield* Effect.scoped(Effect.gen(function*() {
          const p = yield* pool(2)
          yield* p.mapAsync("sleep", [60, 60], { chunksize: 1 })
          expect(running(kind)).toBe(baseline + 2)
        }))
        expect(yield* eventually(() => running(kind) === baseline)).toBe(true)
        expect(yield* (yield* Manager).numberOfObjects).toBe(0)
      }))
  })

  it.live(`a server that shuts down leaves no worker ${kind === "threads" ? "thread" : "process"} (${kind})`, () =>
    Effect.gen(function*() {
      const baseline = yield* settled(kind)
      const pids = yield* Effect.scoped(Effect.gen(function*() {
        const p = yield* pool(3)
        yield* p.mapAsync("sleep", [60, 60, 60], { chunksize: 1 })
        expect(running(kind)).toBe(baseline + 3)
        return workerProcesses()
      }).pipe(Effect.provide(InProcessManager.layer())))
      // The server's scope closed: every worker has exited by then, not later.
      expect(running(kind)).toBe(baseline)
      expect(pids.filter(alive)).toEqual([])
    }))
}

describe("a client killed with SIGKILL", () => {
  it.live("its lease ends: its Pool is released and the server's worker threads and processes exit", () =>
    Effect.gen(function*() {
      const authkey = new TextEncoder().encode("pool lease key")
      const server = yield* StartedManager.make({ authkey, leaseGrace: "300 millis" })
      const m = yield* server.start
      const pid = server.pid()!
      for (const workers of kinds) {
        const client = yield* worker("pool", { address: m.address, module: tasksModule, workers }, authkey)
        expect((yield* client.lineWhere((l) => l.event === "pool")).objects).toBe(2)
        expect(workers === "threads" ? workerThreads(pid) : workerProcesses(pid).length).toBe(2)
        const pids = workerProcesses(pid)
        yield* client.kill("SIGKILL")
        yield* client.exit
        expect(yield* eventually(() => workerThreads(pid) === 0 && workerProcesses(pid).length === 0)).toBe(true)
        expect(pids.filter(alive)).toEqual([])
        expect(yield* m.numberOfObjects).toBe(0)
      }
    }).pipe(Effect.scoped, Effect.provide(StartedManager.services)))
})

layer(InProcessManager.layer(), { excludeTestServices: true })("Pool arguments", (it) => {
  it.effect("a module that cannot be imported fails the Pool with ModuleLoadError, and leaves no worker", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const baseline = yield* settled("threads")
      const error = yield* Effect.flip(m.Pool(2, { module: "./test/pool/no-such-module.ts" }))
      expect(error).toMatchObject({ _tag: "ModuleLoadError", specifier: expect.stringContaining("no-such-module.ts") })
      expect(workerThreads()).toBe(baseline)
    })))

  it.effect("the initializer runs in each worker with initargs before any task; one that fails fails the Pool with its own error", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* m.Pool<Tasks>(2, { module: tasksModule, initializer: "init", initargs: ["hello"] })
      expect(yield* p.map("greet", ["a", "b", "c", "d"], { chunksize: 1 })).toEqual(["hello, a", "hello, b", "hello, c", "hello, d"])
      const failed = yield* Effect.flip(m.Pool<Tasks>(1, { module: tasksModule, initializer: "failingInit" }))
      expect(failed).toMatchObject({ _tag: "Overdrawn", balance: -1 })
      const missing = yield* Effect.flip(m.Pool<Tasks>(1, { module: tasksModule, initializer: "nope" }))
      expect(missing).toMatchObject({ _tag: "ModuleLoadError", reason: "it has no function named nope to be the initializer" })
    })))

  it.effect("bad calls fail with a clear, typed error and the pool goes on: no such function, a name that is no string, keywords, a callback that is no proxy method", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* m.Pool<Tasks>(1, { module: tasksModule })
      expect(yield* Effect.flip(p.callMethod("apply", ["nope", []]))).toMatchObject({ _tag: "AttributeError" })
      expect(yield* Effect.flip(p.callMethod("map", [42, [1]]))).toMatchObject({ _tag: "TypeError" })
      expect(yield* Effect.flip(p.callMethod("apply", ["sqr", [1], { x: 1 }]))).toMatchObject({
        _tag: "TypeError",
        message: "JavaScript functions take no keyword arguments: pass them in args"
      })
      expect(yield* Effect.flip(p.callMethod("map", ["sqr", 5]))).toMatchObject({ _tag: "TypeError", message: "'number' object is not iterable" })
      expect(yield* Effect.flip(p.callMethod("map", ["sqr", [1], 0]))).toMatchObject({ _tag: "ValueError", message: "Chunksize must be 1+, not 0" })
      expect(yield* Effect.flip(p.callMethod("apply_async", ["sqr", [1], null, "print"]))).toMatchObject({ _tag: "TypeError" })
      const gone = yield* m.list()
      const token = gone.token
      yield* gone.releaseProxy
      expect(yield* Effect.flip(p.callMethod("apply_async", ["sqr", [1], null, [token, "append"]]))).toMatchObject({ _tag: "ValueError" })
      expect(yield* Effect.flip(p.join())).toMatchObject({ _tag: "ValueError", message: "Pool is still running" })
      expect(yield* Effect.flip(p.getValue())).toMatchObject({ _tag: "TypeError" })
      const r = yield* p.applyAsync("sqr", [2])
      expect(yield* Effect.flip(r.getValue())).toMatchObject({ _tag: "TypeError" })
      expect(yield* Effect.flip(m.Pool(5000, { module: tasksModule }))).toMatchObject({ _tag: "ValueError", message: "a Pool has at most 1024 workers" })
      expect(yield* Effect.flip(m.createWith("Pool", [1]))).toMatchObject({ _tag: "TypeError", message: expect.stringContaining("would send Python functions") })
      expect(yield* p.apply("sqr", [12])).toBe(144)
    })))

  it.effect("a package name is a module too, resolved as an import from the package would be (node:path's basename)", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* m.Pool<typeof import("node:path")>(1, { module: "node:path" })
      expect(yield* p.apply("basename", ["/srv/app/tasks.js"])).toBe("tasks.js")
      expect(yield* p.starmap("join", [["a", "b"], ["c", "d"]])).toEqual(["a/b", "c/d"])
    })))

  it.effect("a task's arguments and results come back as a shared list gives them back: Maps, bigints, bytes, nested arrays", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const p = yield* m.Pool<Tasks>(1, { module: tasksModule })
      const values = [new Map([["a", 1]]), 2n ** 70n, new Uint8Array([1, 2, 3]), [[1, [2]], "x"], null, true, 1.5]
      const list = yield* m.list(values)
      expect(yield* p.map("identity", values)).toEqual(yield* list.toArray())
      expect(yield* Effect.flip(p.apply("throwNumber", []))).toMatchObject({ _tag: "TaskError", errorName: "number", message: "42" })
    })))
})
