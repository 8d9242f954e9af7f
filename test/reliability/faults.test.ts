/**
 * A network that misbehaves (FaultyTransport): connections cut in the middle
 * of a frame, frames delivered a byte at a time, deliveries delayed so that
 * they interleave differently across connections. Calls fail with typed
 * errors, leases give back what a cut client held, nothing else notices,
 * and nothing is reordered within a connection.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import * as FaultyTransport from "../../src/layers/FaultyTransport.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as MemoryNetwork from "../../src/layers/MemoryNetwork.ts"
import * as MemoryTransport from "../../src/layers/MemoryTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"
import { Transport } from "../../src/services/Transport.ts"
import { prng } from "../support/mutate.ts"

const authkey = new TextEncoder().encode("faults")
const deps = Layer.mergeAll(Transport.layer(MemoryTransport.medium), MemoryBackend.layer, Registry.layer(SyncManagerTypes.all)).pipe(
  // One network for the server and the faulty clients that connect to it.
  Layer.provideMerge(MemoryNetwork.layer)
)

layer(deps, { excludeTestServices: true })("a faulty network", (it) => {
  it.effect("a connection cut in the middle of a frame: its calls fail with ConnectionLost, its lease gives everything back", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:cut", authkey, leaseGrace: 0 })
      const steady = yield* ManagerClient.make({ address: server.address, authkey })
      const shared = yield* steady.Queue<string>()
      for (const cutAt of [700, 1200, 3000]) {
        yield* Effect.scoped(Effect.gen(function*() {
          const m = yield* ManagerClient.make({ address: server.address, authkey }).pipe(
            Effect.provide(FaultyTransport.layer((_, direction) => (direction === "toServer" ? { cutAfterBytes: cutAt, chunkSize: 7 } : {})))
          )
          const q = (yield* m.proxy(shared.token)) as typeof shared
          const lock = yield* m.Lock()
          yield* lock.acquire()
          // Big enough to be cut somewhere in its middle.
          const outcome = yield* Effect.exit(Effect.forEach(Array.from({ length: 50 }), (_, i) => q.put(`${cutAt}-${i}-${"x".repeat(50)}`)))
          expect(outcome._tag).toBe("Failure")
          expect(yield* Effect.flip(m.ping)).toMatchObject({ _tag: "ConnectionLost" })
        }))
        // The steady client never noticed, and the cut client's lock and references are gone.
        yield* steady.ping
        const start = Date.now()
        while ((yield* server.numberOfObjects) > 1 && Date.now() - start < 3000) yield* Effect.sleep("20 millis")
        expect(yield* server.numberOfObjects).toBe(1)
      }
      // What was put before each cut is whole: every item in the queue is one that was sent entire.
      const n = yield* shared.qsize()
      for (let i = 0; i < n; i++) expect(yield* shared.get()).toMatch(/^\d+-\d+-x{50}$/)
    }).pipe(Effect.scoped))

  it.effect("fragmented and delayed links, interleaving differently across connections: order within each is kept, counts are exact", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:slow", authkey, leaseGrace: 0 })
      const random = prng(7)
      const link = FaultyTransport.layer(() => ({ chunkSize: 1 + Math.floor(random() * 40), delayMillis: () => random() * 3 }))
      const setup = yield* ManagerClient.make({ address: server.address, authkey })
      const counter = yield* setup.Value("i", 0)
      const lock = yield* setup.Lock()
      const log = yield* setup.list<string>()
      const worker = (name: string) =>
        Effect.scoped(Effect.gen(function*() {
          const m = yield* ManagerClient.make({ address: server.address, authkey }).pipe(Effect.provide(link))
          const c = (yield* m.proxy(counter.token)) as typeof counter
          const l = (yield* m.proxy(lock.token)) as typeof lock
          const g = (yield* m.proxy(log.token)) as typeof log
          for (let i = 0; i < 25; i++) {
            yield* l.withLock(Effect.flatMap(c.get(), (v) => c.set((v as number) + 1)))
            yield* g.append(`${name}:${i}`)
          }
        }))
      const fibers = yield* Effect.forEach(["a", "b", "c", "d"], (n) => Effect.forkChild(worker(n)))
      yield* Fiber.joinAll(fibers)
      expect(yield* counter.get()).toBe(100)
      const entries = yield* log.toArray()
      for (const name of ["a", "b", "c", "d"]) {
        expect(entries.filter((e) => e.startsWith(`${name}:`))).toEqual(Array.from({ length: 25 }, (_, i) => `${name}:${i}`))
      }
      // The four interleaved: deliveries across connections were reordered.
      expect(entries.slice(0, 25).some((e) => !e.startsWith(entries[0]!.slice(0, 2)))).toBe(true)
    }).pipe(Effect.scoped))
})
