/**
 * CPython's _TestCondition and _TestBarrier, with fibers as the parties.
 */
import { expect } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean, eachBackend } from "../support/harness.ts"

const times = (n: number) => Array.from({ length: n }, (_, i) => i)

eachBackend("Condition and Barrier", {}, (it) => {
  it.effect("test_notify: one notify wakes one waiter, the next wakes the other", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const cond = yield* m.Condition()
      const sleeping = yield* m.Semaphore(0)
      const woken = yield* m.Semaphore(0)
      const f = cond.withLock(Effect.gen(function*() {
        yield* sleeping.release()
        yield* cond.wait()
        yield* woken.release()
      }))
      const waiters = yield* Effect.forEach(times(2), () => Effect.forkChild(f))
      yield* sleeping.acquire()
      yield* sleeping.acquire()
      yield* Effect.sleep("20 millis")
      expect(yield* woken.value()).toBe(0)
      yield* cond.withLock(cond.notify())
      yield* woken.acquire({ timeout: "5 seconds" })
      expect(yield* woken.value()).toBe(0)
      yield* cond.withLock(cond.notify())
      yield* woken.acquire({ timeout: "5 seconds" })
      yield* Fiber.joinAll(waiters)
    })))

  it.effect("test_notify_all and test_notify_n: timeouts, then notify(2), notify(4), notify_all", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const cond = yield* m.Condition()
      const timedOut = yield* Effect.forEach(times(3), () => Effect.forkChild(cond.withLock(cond.wait("30 millis"))))
      expect(yield* Fiber.joinAll(timedOut)).toEqual([false, false, false])
      const woken = yield* m.list<number>()
      const started = yield* m.Semaphore(0)
      const waiter = (i: number) => cond.withLock(Effect.gen(function*() {
        yield* started.release()
        const notified = yield* cond.wait()
        if (notified) yield* woken.append(i)
      }))
      const fibers = yield* Effect.forEach(times(6), (i) => Effect.forkChild(waiter(i)))
      for (const _ of times(6)) yield* started.acquire()
      yield* cond.withLock(cond.notify(2))
      yield* Effect.sleep("30 millis")
      expect(yield* woken.length()).toBe(2)
      yield* cond.withLock(cond.notify(3))
      yield* Effect.sleep("30 millis")
      expect(yield* woken.length()).toBe(5)
      yield* cond.withLock(cond.notifyAll())
      yield* Fiber.joinAll(fibers)
      expect((yield* woken.toArray()).sort()).toEqual(times(6))
      yield* cond.withLock(cond.notify(3))
    })))

  it.effect("test_timeout and test_wait_result; waiting or notifying without the lock is RuntimeError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const cond = yield* m.Condition()
      expect(yield* cond.withLock(cond.wait("50 millis"))).toBe(false)
      expect(yield* cond.withLock(cond.wait(0))).toBe(false)
      expect(yield* Effect.flip(cond.wait())).toMatchObject({ _tag: "RuntimeError", message: "cannot wait on un-acquired lock" })
      expect(yield* Effect.flip(cond.notify())).toMatchObject({ _tag: "RuntimeError", message: "cannot notify on un-acquired lock" })
      // One fiber waits while another notifies it through the same connection.
      const result = yield* Effect.forkChild(cond.withLock(cond.wait("10 seconds")))
      yield* Effect.sleep("20 millis")
      yield* cond.withLock(cond.notify())
      expect(yield* Fiber.join(result)).toBe(true)
    })))

  it.effect("test_waitfor and test_waitfor_timeout: predicates over a shared Value", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const cond = yield* m.Condition()
      const state = yield* m.Value("i", -1)
      const child = yield* Effect.forkChild(cond.withLock(Effect.gen(function*() {
        yield* state.set(0)
        yield* cond.notify()
        return yield* cond.waitFor(Effect.map(state.get(), (v) => v === 4))
      })))
      expect(yield* cond.withLock(cond.waitFor(Effect.map(state.get(), (v) => v === 0)))).toBe(true)
      for (const _ of times(4)) {
        yield* Effect.sleep("5 millis")
        yield* cond.withLock(Effect.andThen(Effect.flatMap(state.get(), (v) => state.set(v + 1)), cond.notify()))
      }
      expect(yield* Fiber.join(child)).toBe(true)
      expect(yield* state.get()).toBe(4)
      expect(yield* cond.withLock(cond.waitFor(Effect.map(state.get(), (v) => v === 5), "50 millis"))).toBe(false)
    })))

  it.effect("a Condition over a shared Lock", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const lock = yield* m.Lock()
      const cond = yield* m.Condition(lock)
      yield* cond.acquire()
      expect(yield* lock.locked()).toBe(true)
      expect(yield* cond.wait("20 millis")).toBe(false)
      yield* cond.release()
      expect(yield* lock.locked()).toBe(false)
    })))

  const parties = 5
  const runParties = <A, E, R>(f: (i: number) => Effect.Effect<A, E, R>) =>
    Effect.forEach(times(parties), (i) => f(i), { concurrency: "unbounded" })

  it.effect("test_barrier and test_barrier_10: passes keep in step", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const barrier = yield* m.Barrier(parties, { timeout: "30 seconds" })
      const before = yield* m.list<boolean>()
      const after = yield* m.list<boolean>()
      yield* runParties(() => Effect.gen(function*() {
        for (let pass = 0; pass < 10; pass++) {
          yield* before.append(true)
          expect(yield* after.length()).toBe(pass * parties)
          yield* barrier.wait()
          yield* after.append(true)
          expect(yield* before.length()).toBe((pass + 1) * parties)
          yield* barrier.wait()
        }
      }))
      expect([yield* barrier.parties(), yield* barrier.nWaiting(), yield* barrier.broken()]).toEqual([5, 0, false])
    })))

  it.effect("test_wait_return: arrival indices are 0 .. parties - 1, once each", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const barrier = yield* m.Barrier(parties)
      const indices = yield* runParties(() => barrier.wait())
      expect([...indices].sort()).toEqual(times(parties))
    })))

  it.effect("test_abort: one party aborts, the others get BrokenBarrierError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const barrier = yield* m.Barrier(parties)
      const outcomes = yield* runParties(() => Effect.gen(function*() {
        const i = yield* barrier.wait()
        if (i === Math.floor(parties / 2)) {
          yield* barrier.abort()
          return "aborted"
        }
        return yield* barrier.wait().pipe(Effect.as("passed"), Effect.catchTag("BrokenBarrierError", () => Effect.succeed("broken")))
      }))
      expect(outcomes.filter((o) => o === "broken").length).toBe(parties - 1)
      expect(outcomes.filter((o) => o === "passed").length).toBe(0)
      expect(yield* barrier.broken()).toBe(true)
      expect(yield* Effect.flip(barrier.wait())).toMatchObject({ _tag: "BrokenBarrierError" })
    })))

  it.effect("test_reset and test_abort_and_reset: a reset breaks the waiters and the barrier works again", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const barrier = yield* m.Barrier(parties)
      const outcomes = yield* runParties(() => Effect.gen(function*() {
        const i = yield* barrier.wait()
        if (i === 2) {
          while ((yield* barrier.nWaiting()) < parties - 1) yield* Effect.sleep("1 millis")
          yield* barrier.reset()
          return "reset"
        }
        return yield* barrier.wait().pipe(Effect.as("passed"), Effect.catchTag("BrokenBarrierError", () => Effect.succeed("broken")))
      }))
      expect(outcomes.filter((o) => o === "broken").length).toBe(parties - 1)
      const again = yield* runParties(() => barrier.wait())
      expect(again.length).toBe(parties)
      yield* barrier.abort()
      expect(yield* barrier.broken()).toBe(true)
      yield* barrier.reset()
      expect(yield* barrier.broken()).toBe(false)
      expect((yield* runParties(() => barrier.wait())).length).toBe(parties)
    })))

  it.effect("test_timeout and test_default_timeout: a timeout breaks the barrier for every party", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const timed = yield* m.Barrier(parties, { timeout: "100 millis" })
      const results = yield* runParties((i) =>
        Effect.gen(function*() {
          if (i === 2) yield* Effect.sleep("300 millis")
          // Four parties wait with the barrier's default timeout; the late one finds it broken.
          return yield* timed.wait()
        }).pipe(Effect.as("passed"), Effect.catchTag("BrokenBarrierError", () => Effect.succeed("broken")))
      )
      expect(results).toEqual(Array(parties).fill("broken"))
    })))

  it.effect("test_single_thread: a barrier of one never waits", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const b = yield* m.Barrier(1)
      expect(yield* b.wait()).toBe(0)
      expect(yield* b.wait()).toBe(0)
      expect(yield* Effect.flip(m.Barrier(0))).toMatchObject({ _tag: "ValueError", message: "parties must be > 0" })
    })))
})
