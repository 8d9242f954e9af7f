/**
 * Proxies as scoped resources (CPython's util.Finalize, done with scopes):
 * released when their scope closes on success, failure or interruption;
 * released early exactly once; a no-op after the manager is gone; a typed
 * error when used after release. And interruption crossing the wire.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Scope } from "effect"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean, eachBackend } from "../support/harness.ts"

eachBackend("proxy lifecycle", {}, (it) => {
  it.effect("a scope closing on success, failure or interruption releases its proxies", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      yield* Effect.scoped(Effect.gen(function*() {
        yield* m.dict()
        yield* m.Queue()
        expect(yield* m.numberOfObjects).toBe(2)
      }))
      expect(yield* m.numberOfObjects).toBe(0)
      const failed = yield* Effect.exit(Effect.scoped(Effect.gen(function*() {
        yield* m.list([1, 2, 3])
        yield* m.Lock()
        return yield* Effect.fail("boom")
      })))
      expect(Exit.isFailure(failed)).toBe(true)
      expect(yield* m.numberOfObjects).toBe(0)
      const ready = yield* Deferred.make<void>()
      const fiber = yield* Effect.forkChild(Effect.scoped(Effect.gen(function*() {
        yield* m.Event()
        yield* m.Namespace()
        yield* Deferred.succeed(ready, undefined)
        return yield* Effect.never
      })))
      yield* Deferred.await(ready)
      expect(yield* m.numberOfObjects).toBe(2)
      yield* Fiber.interrupt(fiber)
      expect(yield* m.numberOfObjects).toBe(0)
    })))

  it.effect("an early release runs once; later calls fail with ProxyReleased; the scope's release is then a no-op", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const d = yield* m.dict<string, number>()
      yield* d.set("a", 1)
      yield* d.releaseProxy
      yield* d.releaseProxy
      expect(d.isReleased).toBe(true)
      expect(yield* m.numberOfObjects).toBe(0)
      expect(yield* Effect.flip(d.getItem("a"))).toMatchObject({ _tag: "ProxyReleased", typeid: "dict" })
      const info = yield* m.debugInfo
      expect(info).toEqual([])
    })))

  it.effect("debugInfo names each object, its refcount, a description and the sessions holding it", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const d = yield* m.dict({ a: 1 })
      const l = yield* m.list([d])
      const info = yield* m.debugInfo
      const dict = info.find((o) => o.id === d.token.id)!
      expect(dict).toMatchObject({ typeid: "dict", refcount: 2, description: "{'a': 1}", sessions: { [m.session]: 1 } })
      expect(dict.heldBy).toEqual({ [l.token.id]: 1 })
      expect(info.find((o) => o.id === l.token.id)).toMatchObject({ typeid: "list", refcount: 1 })
    })))

  it.effect("interrupting a waiting Queue.get cancels it on the server: it takes no item", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>()
      const getter = yield* Effect.forkChild(q.get())
      yield* Effect.sleep("20 millis")
      yield* Fiber.interrupt(getter)
      yield* q.put(1)
      expect(yield* q.qsize()).toBe(1)
      expect(yield* q.get()).toBe(1)
      // A timeout is an interruption too.
      const timedOut = yield* Effect.exit(Effect.timeout(q.get(), "30 millis"))
      expect(Exit.isFailure(timedOut)).toBe(true)
      yield* q.put(2)
      expect(yield* q.getNowait()).toBe(2)
    })))

  it.effect("interrupting a waiting Lock.acquire leaves the lock free once its holder releases it", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const lock = yield* m.Lock()
      yield* lock.acquire()
      const waiter = yield* Effect.forkChild(lock.acquire())
      yield* Effect.sleep("20 millis")
      yield* Fiber.interrupt(waiter)
      yield* lock.release()
      yield* Effect.sleep("10 millis")
      expect(yield* lock.locked()).toBe(false)
      expect(yield* lock.acquire({ blocking: false })).toBe(true)
      yield* lock.release()
    })))

  it.effect("many calls in flight on one connection run concurrently on the server", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>()
      const getters = yield* Effect.forEach(Array.from({ length: 50 }), () => Effect.forkChild(q.get()))
      yield* Effect.sleep("20 millis")
      for (let i = 0; i < 50; i++) yield* q.put(i)
      const got = yield* Fiber.joinAll(getters)
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
    })))

  it.effect("releasing a queue while a get waits on it fails that get instead of leaving it hanging", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const scope = yield* Scope.make()
      const q = yield* Scope.provide(m.Queue<number>(), scope)
      const getter = yield* Effect.forkChild(Effect.flip(q.get()))
      yield* Effect.sleep("20 millis")
      yield* Scope.close(scope, Exit.void)
      const error = yield* Fiber.join(getter)
      expect(error).toMatchObject({ _tag: "RemoteError" })
      expect((error as Error).message).toContain("was released while get was running")
    })))
})

describe("proxies and their manager", () => {
  it.live("a proxy released after its manager is gone is a no-op; calls fail with ConnectionLost", () =>
    Effect.gen(function*() {
      const outer = yield* Scope.make()
      const managerScope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(InProcessManager.layer(), managerScope)
      const m = Context.get(context, Manager)
      const d = yield* Scope.provide(m.dict<string, number>(), outer)
      yield* d.set("a", 1)
      yield* Scope.close(managerScope, Exit.void)
      expect(yield* Effect.flip(d.getItem("a"))).toMatchObject({ _tag: "ConnectionLost" })
      expect(yield* Effect.flip(m.numberOfObjects)).toMatchObject({ _tag: "ConnectionLost" })
      yield* Scope.close(outer, Exit.void)
      expect(d.isReleased).toBe(true)
    }))
})
