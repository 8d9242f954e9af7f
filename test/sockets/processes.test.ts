/**
 * CPython's cross-process manager tests, with real processes on real
 * sockets: the manager runs in a child process that this one started, and
 * worker processes connect to it with the tokens they are given.
 */
import { afterAll, expect, layer } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as StartedManager from "../../src/layers/StartedManager.ts"
import type { QueueProxy } from "../../src/proxy/QueueProxy.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import { backends, clean } from "../support/harness.ts"
import { assertNoChildren, worker } from "../support/processes.ts"

const authkey = new TextEncoder().encode("cross-process key")
const times = (n: number) => Array.from({ length: n }, (_, i) => i)

afterAll(() => assertNoChildren())

for (const backend of backends) {
  layer(StartedManager.layer({ authkey, leaseGrace: "300 millis", backend: backend.spec }), { excludeTestServices: true })(`across processes [${backend.name}]`, (it) => {
    const tokens = (proxies: Record<string, { readonly token: unknown }>) =>
      Object.fromEntries(Object.entries(proxies).map(([k, p]) => [k, p.token]))

    it.effect("Queue: two producer processes and a consumer process, FIFO per producer", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const queue = yield* m.Queue<[string, number]>()
        const input = { address: m.address, tokens: tokens({ queue }) }
        const consumer = yield* worker("consume", { ...input, count: 100 }, authkey)
        const producers = yield* Effect.forEach(["a", "b"], (tag) => worker("produce", { ...input, from: 0, to: 50, tag }, authkey))
        for (const p of producers) expect((yield* p.line).event).toBe("done")
        const { items } = yield* consumer.lineWhere((l) => l.event === "items")
        expect(items.length).toBe(100)
        for (const tag of ["a", "b"]) {
          expect(items.filter((i: [string, number]) => i[0] === tag).map((i: [string, number]) => i[1])).toEqual(times(50))
        }
        expect(yield* queue.qsize()).toBe(0)
        for (const child of [consumer, ...producers]) expect((yield* child.exit).code).toBe(0)
      })))

    it.effect("JoinableQueue: four worker processes, join returns once every job is done", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const queue = yield* m.JoinableQueue<number | null>()
        const results = yield* m.list<number>()
        const workers = yield* Effect.forEach(times(4), () =>
          worker("jobs", { address: m.address, tokens: tokens({ queue, results }) }, authkey))
        for (let i = 0; i < 20; i++) yield* queue.put(i)
        yield* queue.join()
        expect((yield* results.toArray()).sort((a, b) => a - b)).toEqual(times(20).map((i) => i * i))
        for (const _ of workers) yield* queue.put(null)
        for (const w of workers) expect((yield* w.line).event).toBe("done")
        for (const w of workers) expect((yield* w.exit).code).toBe(0)
      })))

    it.effect("Barrier across five processes: indices 0..4, once each", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const barrier = yield* m.Barrier(5)
        const parties = yield* Effect.forEach(times(5), () => worker("barrier", { address: m.address, tokens: tokens({ barrier }) }, authkey))
        const indices = yield* Effect.forEach(parties, (p) => Effect.map(p.line, (l) => l.index as number))
        expect([...indices].sort()).toEqual(times(5))
        for (const p of parties) expect((yield* p.exit).code).toBe(0)
      })))

    it.effect("Condition: a child notifies a waiting fiber, and a fiber notifies a waiting child", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const condition = yield* m.Condition()
        const waiter = yield* Effect.forkChild(condition.withLock(condition.wait("20 seconds")))
        yield* Effect.sleep("50 millis")
        const notifier = yield* worker("notify", { address: m.address, tokens: tokens({ condition }) }, authkey)
        expect((yield* notifier.line).event).toBe("notified")
        expect(yield* Fiber.join(waiter)).toBe(true)
        const child = yield* worker("wait", { address: m.address, tokens: tokens({ condition }) }, authkey)
        expect((yield* child.line).event).toBe("waiting")
        yield* condition.withLock(condition.notifyAll())
        expect(yield* child.line).toMatchObject({ event: "woken", woken: true })
        for (const c of [notifier, child]) expect((yield* c.exit).code).toBe(0)
      })))

    it.effect("Lock: acquired in a child process, released by the parent", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const lock = yield* m.Lock()
        const child = yield* worker("acquire-lock", { address: m.address, tokens: tokens({ lock }) }, authkey)
        expect(yield* child.line).toMatchObject({ event: "acquired", acquired: true })
        expect((yield* child.exit).code).toBe(0)
        expect(yield* lock.locked()).toBe(true)
        yield* lock.release()
        expect(yield* lock.acquire({ blocking: false })).toBe(true)
        yield* lock.release()
      })))

    it.effect("Event: set by a child process while the parent waits", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const event = yield* m.Event()
        const child = yield* worker("set-event", { address: m.address, tokens: tokens({ event }) }, authkey)
        expect(yield* event.wait("20 seconds")).toBe(true)
        expect((yield* child.exit).code).toBe(0)
      })))

    it.effect("a proxy inside a shared object reaches another process as a live proxy", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const queue = yield* m.Queue<string>()
        const dict = yield* m.dict<string, QueueProxy<string>>({ queue })
        const child = yield* worker("read-nested", { address: m.address, tokens: tokens({ dict }) }, authkey)
        expect(yield* child.line).toMatchObject({ event: "put", typeid: "Queue" })
        expect(yield* queue.get({ timeout: "5 seconds" })).toBe(`from ${child.pid}`)
        expect((yield* child.exit).code).toBe(0)
      })))

    it.effect("leases: a client killed with SIGKILL gives back its 50 objects and its lock", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const lock = yield* m.Lock()
        const baseline = yield* m.numberOfObjects
        const holder = yield* worker("hold", { address: m.address, objects: 50, tokens: tokens({ lock }) }, authkey)
        expect((yield* holder.line).event).toBe("holding")
        expect(yield* m.numberOfObjects).toBe(baseline + 50)
        expect(yield* lock.acquire({ blocking: false })).toBe(false)
        yield* holder.kill("SIGKILL")
        expect((yield* holder.exit).signal).toBe("SIGKILL")
        // Another caller waits for the lock, and gets it once the lease expires.
        expect(yield* lock.acquire({ timeout: "10 seconds" })).toBe(true)
        expect(yield* m.numberOfObjects).toBe(baseline)
        yield* lock.release()
      })))
  })
}
