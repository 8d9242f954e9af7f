/**
 * CPython's _TestQueue and TestSyncManagerTypes' queue tests, with fibers in
 * place of processes.
 */
import { expect } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean, eachBackend } from "../support/harness.ts"

eachBackend("Queue", {}, (it) => {
  it.effect("test_put: six puts fill maxsize 6, then every kind of put fails with QueueFull", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>({ maxsize: 6 })
      expect([yield* q.empty(), yield* q.full()]).toEqual([true, false])
      yield* q.put(1)
      yield* q.put(2, { block: true })
      yield* q.put(3, { block: true, timeout: null })
      yield* q.put(4, { block: false })
      yield* q.put(5, { block: false, timeout: null })
      yield* q.putNowait(6)
      expect([yield* q.empty(), yield* q.full()]).toEqual([false, true])
      const failures = yield* Effect.forEach([
        q.put(7, { block: false }),
        q.put(7, { block: false, timeout: null }),
        q.putNowait(7),
        q.put(7, { block: true, timeout: "100 millis" }),
        q.put(7, { block: false, timeout: "100 millis" }),
        q.put(7, { timeout: 100 })
      ], Effect.flip)
      expect(failures.map((e) => e._tag)).toEqual(Array(6).fill("QueueFull"))
      // A consumer on another fiber drains it.
      const got = yield* Effect.forEach(Array.from({ length: 6 }), () => q.get())
      expect(got).toEqual([1, 2, 3, 4, 5, 6])
      expect([yield* q.empty(), yield* q.full()]).toEqual([true, false])
    })))

  it.effect("test_get: blocking, timed and non-blocking gets, and QueueEmpty", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>()
      expect(yield* q.empty()).toBe(true)
      const producer = yield* Effect.forkChild(Effect.forEach([2, 3, 4, 5], (n) => q.put(n)))
      expect(yield* q.get({ block: true, timeout: null })).toBe(2)
      expect(yield* q.get({ block: true })).toBe(3)
      expect(yield* q.get({ timeout: "1 second" })).toBe(4)
      yield* Fiber.join(producer)
      expect(yield* q.getNowait()).toBe(5)
      expect(yield* q.empty()).toBe(true)
      const failures = yield* Effect.forEach([
        q.get({ block: false }),
        q.get({ block: false, timeout: null }),
        q.getNowait(),
        q.get({ block: true, timeout: "100 millis" }),
        q.get({ block: false, timeout: "100 millis" }),
        q.get({ timeout: 100 })
      ], Effect.flip)
      expect(failures.map((e) => e._tag)).toEqual(Array(6).fill("QueueEmpty"))
    })))

  it.effect("test_fork: FIFO across producers", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>()
      for (let i = 0; i < 10; i++) yield* q.put(i)
      yield* Effect.forkChild(Effect.forEach(Array.from({ length: 10 }, (_, i) => i + 10), (n) => q.put(n))).pipe(
        Effect.flatMap(Fiber.join)
      )
      const got = yield* Effect.forEach(Array.from({ length: 20 }), () => q.get())
      expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i))
      expect((yield* Effect.flip(q.get({ block: false })))._tag).toBe("QueueEmpty")
    })))

  it.effect("test_qsize", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>()
      const sizes: Array<number> = [yield* q.qsize()]
      yield* q.put(1)
      sizes.push(yield* q.qsize())
      yield* q.put(5)
      sizes.push(yield* q.qsize())
      yield* q.get()
      sizes.push(yield* q.qsize())
      yield* q.get()
      sizes.push(yield* q.qsize())
      expect(sizes).toEqual([0, 1, 2, 1, 0])
    })))

  it.effect("test_task_done: four workers, join returns once every item is done", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.JoinableQueue<number | null>()
      const done = yield* m.list<number>()
      const worker = Effect.gen(function*() {
        while (true) {
          const item = yield* q.get()
          if (item === null) return
          yield* Effect.sleep("5 millis")
          yield* done.append(item)
          yield* q.taskDone()
        }
      })
      const workers = yield* Effect.forEach(Array.from({ length: 4 }), () => Effect.forkChild(worker))
      for (let i = 0; i < 10; i++) yield* q.put(i)
      yield* q.join()
      expect((yield* done.toArray()).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i))
      for (let i = 0; i < 4; i++) yield* q.put(null)
      yield* Fiber.joinAll(workers)
      // The four None sentinels were never marked done, so taskDone works four more times.
      for (let i = 0; i < 4; i++) yield* q.taskDone()
      expect(yield* Effect.flip(q.taskDone())).toMatchObject({ _tag: "ValueError", message: "task_done() called too many times" })
    })))

  it.effect("TestSyncManagerTypes.test_queue: maxsize 2, put, get and state from another fiber", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>({ maxsize: 2 })
      yield* q.put(5)
      yield* q.put(6)
      const child = yield* Effect.forkChild(Effect.gen(function*() {
        expect(yield* q.qsize()).toBe(2)
        expect(yield* q.full()).toBe(true)
        expect(yield* q.empty()).toBe(false)
        expect(yield* q.get()).toBe(5)
        expect(yield* q.empty()).toBe(false)
        expect(yield* q.get()).toBe(6)
        expect(yield* q.empty()).toBe(true)
      }))
      yield* Fiber.join(child)
      expect([yield* q.empty(), yield* q.full()]).toEqual([true, false])
    })))

  it.effect("a blocked put waits for room; a negative timeout is a ValueError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>({ maxsize: 1 })
      yield* q.put(1)
      const blocked = yield* Effect.forkChild(q.put(2))
      yield* Effect.sleep("20 millis")
      expect(yield* q.qsize()).toBe(1)
      expect(yield* q.get()).toBe(1)
      yield* Fiber.join(blocked)
      expect(yield* q.get()).toBe(2)
      expect(yield* Effect.flip(q.get({ timeout: -1 }))).toMatchObject({
        _tag: "ValueError",
        message: "'timeout' must be a non-negative number"
      })
    })))
})
