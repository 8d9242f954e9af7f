/**
 * CPython's _TestLock, _TestSemaphore, _TestEvent and TestSyncManagerTypes'
 * lock, semaphore and event tests, with fibers as the callers.
 */
import { expect } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean, eachBackend } from "../support/harness.ts"

eachBackend("locks, semaphores and events", {}, (it) => {
  it.effect("test_lock: acquire, non-blocking acquire fails, double release is RuntimeError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const lock = yield* m.Lock()
      expect(yield* lock.acquire()).toBe(true)
      expect(yield* lock.acquire({ blocking: false })).toBe(false)
      expect(yield* lock.locked()).toBe(true)
      expect(yield* lock.release()).toBeUndefined()
      expect(yield* Effect.flip(lock.release())).toMatchObject({ _tag: "RuntimeError", message: "release unlocked lock" })
      expect(yield* lock.locked()).toBe(false)
    })))

  it.effect("TestSyncManagerTypes.test_lock: a lock acquired by one fiber may be released by another", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const lock = yield* m.Lock()
      yield* Fiber.join(yield* Effect.forkChild(lock.acquire()))
      expect(yield* lock.release()).toBeUndefined()
      expect((yield* Effect.flip(lock.release()))._tag).toBe("RuntimeError")
    })))

  it.effect("a timed acquire gives false; blocking with a timeout is a ValueError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const lock = yield* m.Lock()
      yield* lock.acquire()
      expect(yield* lock.acquire({ timeout: "50 millis" })).toBe(false)
      expect(yield* Effect.flip(lock.acquire({ blocking: false, timeout: 1000 }))).toMatchObject({
        _tag: "ValueError",
        message: "can't specify a timeout for a non-blocking call"
      })
      const waiter = yield* Effect.forkChild(lock.acquire())
      yield* Effect.sleep("20 millis")
      yield* lock.release()
      expect(yield* Fiber.join(waiter)).toBe(true)
      yield* lock.release()
    })))

  it.effect("test_rlock: re-entrant for its fiber; a fourth release and another fiber's release fail", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const rlock = yield* m.RLock()
      for (let i = 0; i < 3; i++) expect(yield* rlock.acquire()).toBe(true)
      const other = yield* Fiber.join(yield* Effect.forkChild(Effect.flip(rlock.release())))
      expect(other).toMatchObject({ _tag: "RuntimeError", message: "cannot release un-acquired lock" })
      const blocked = yield* Fiber.join(yield* Effect.forkChild(rlock.acquire({ blocking: false })))
      expect(blocked).toBe(false)
      for (let i = 0; i < 3; i++) expect(yield* rlock.release()).toBeUndefined()
      expect(yield* Effect.flip(rlock.release())).toMatchObject({ _tag: "RuntimeError", message: "cannot release un-acquired lock" })
    })))

  it.effect("test_lock_context: withLock releases on success and on failure", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const lock = yield* m.Lock()
      expect(yield* lock.withLock(Effect.succeed(1))).toBe(1)
      expect(yield* lock.locked()).toBe(false)
      yield* Effect.flip(lock.withLock(Effect.fail("boom")))
      expect(yield* lock.locked()).toBe(false)
    })))

  it.effect("test_semaphore and test_bounded_semaphore", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      for (const make of [m.Semaphore, m.BoundedSemaphore]) {
        const sem = yield* make(2)
        expect(yield* sem.acquire()).toBe(true)
        expect(yield* sem.acquire()).toBe(true)
        expect(yield* sem.value()).toBe(0)
        expect(yield* sem.acquire({ blocking: false })).toBe(false)
        expect(yield* sem.acquire({ timeout: "30 millis" })).toBe(false)
        yield* sem.release()
        yield* sem.release()
        expect(yield* sem.value()).toBe(2)
      }
      const unbounded = yield* m.Semaphore(2)
      yield* unbounded.release()
      yield* unbounded.releaseN(2)
      expect(yield* unbounded.value()).toBe(5)
      const bounded = yield* m.BoundedSemaphore(1)
      expect(yield* Effect.flip(bounded.release())).toMatchObject({ _tag: "ValueError", message: "Semaphore released too many times" })
      expect(yield* Effect.flip(bounded.acquire({ blocking: false, timeout: 1 }))).toMatchObject({
        _tag: "ValueError",
        message: "can't specify timeout for non-blocking acquire"
      })
      expect(yield* Effect.flip(m.Semaphore(-1))).toMatchObject({ _tag: "ValueError", message: "semaphore initial value must be >= 0" })
    })))

  it.effect("a semaphore wakes as many waiters as permits released", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const sem = yield* m.Semaphore(0)
      const waiters = yield* Effect.forEach(Array.from({ length: 3 }), () => Effect.forkChild(sem.acquire()))
      yield* Effect.sleep("20 millis")
      yield* sem.releaseN(3)
      expect(yield* Fiber.joinAll(waiters)).toEqual([true, true, true])
      expect(yield* sem.value()).toBe(0)
    })))

  it.effect("test_event: wait times out unset, returns true once set, and a fiber can set it", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const event = yield* m.Event()
      expect(yield* event.isSet()).toBe(false)
      expect(yield* event.wait(0)).toBe(false)
      expect(yield* event.wait("50 millis")).toBe(false)
      yield* event.set()
      expect(yield* event.isSet()).toBe(true)
      expect(yield* event.wait()).toBe(true)
      expect(yield* event.wait("50 millis")).toBe(true)
      yield* event.clear()
      yield* Effect.forkChild(Effect.andThen(Effect.sleep("20 millis"), event.set()))
      expect(yield* event.wait()).toBe(true)
    })))

  it.effect("an Event set and cleared at once still wakes every waiter with true", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const event = yield* m.Event()
      const waiters = yield* Effect.forEach(Array.from({ length: 3 }), () => Effect.forkChild(event.wait()))
      yield* Effect.sleep("20 millis")
      yield* event.set()
      yield* event.clear()
      expect(yield* Fiber.joinAll(waiters)).toEqual([true, true, true])
    })))
})
