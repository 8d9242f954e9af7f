/**
 * The limits a server needs, each configurable and each with a typed error:
 * objects per session, requests in flight per connection (backpressure, not
 * an error), connections, frame size (see server.test.ts), and connections
 * that go silent.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import * as FaultyTransport from "../../src/layers/FaultyTransport.ts"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as MemoryNetwork from "../../src/layers/MemoryNetwork.ts"
import * as MemoryTransport from "../../src/layers/MemoryTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import * as Registry from "../../src/services/Registry.ts"
import { Server } from "../../src/services/Server.ts"
import { Transport } from "../../src/services/Transport.ts"
import { clean } from "../support/harness.ts"

const authkey = new TextEncoder().encode("limits")
const serverDeps = Layer.mergeAll(Transport.layer(MemoryTransport.medium), MemoryBackend.layer, Registry.layer(SyncManagerTypes.all)).pipe(
  // One network for the server and the faulty clients that connect to it.
  Layer.provideMerge(MemoryNetwork.layer)
)

layer(InProcessManager.layer({ authkey, maxObjectsPerSession: 5, maxInFlight: 8, maxConnections: 3 }), { excludeTestServices: true })("limits", (it) => {
  it.effect("a session past its object limit gets LimitExceeded, and may create again once it releases some", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const held = yield* Effect.forEach(Array.from({ length: 5 }), () => m.dict())
      const refused = yield* Effect.flip(m.list())
      expect(refused).toMatchObject({ _tag: "LimitExceeded", limit: "objects-per-session", max: 5 })
      // A method whose result becomes a new object counts too.
      expect(yield* Effect.flip(Effect.scoped(held[0]!.iter()))).toMatchObject({ _tag: "LimitExceeded" })
      yield* held[0]!.releaseProxy
      yield* m.list()
    })))

  it.effect("past maxInFlight the server stops reading that connection until requests complete: nothing lost, all answered", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const q = yield* m.Queue<number>()
      // 40 blocked gets: 8 reach the server, the rest wait in the connection, unread.
      const getters = yield* Effect.forEach(Array.from({ length: 40 }), () => Effect.forkChild(q.get()))
      yield* Effect.sleep("30 millis")
      const server = yield* Server
      for (let i = 0; i < 40; i++) yield* q.put(i)
      const got = yield* Fiber.joinAll(getters)
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i))
      expect(yield* server.numberOfObjects).toBe(1)
    })))

  it.effect("connections past the limit are refused with LimitExceeded; the others are served", () =>
    clean(Effect.gen(function*() {
      const server = yield* Server
      const clients = yield* Effect.forEach(Array.from({ length: 2 }), () => ManagerClient.make({ address: server.address, authkey }))
      const refused = yield* Effect.flip(Effect.scoped(ManagerClient.make({ address: server.address, authkey })))
      expect(refused).toMatchObject({ _tag: "LimitExceeded", limit: "connections", max: 3 })
      for (const c of clients) yield* c.ping
    }).pipe(Effect.provide(Transport.layer(MemoryTransport.medium)))))
})

layer(serverDeps, { excludeTestServices: true })("silent connections", (it) => {
  it.effect("a half-open connection: the client's heartbeat finds it lost, the server's idle timeout closes it and its lease expires", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:half-open", authkey, idleTimeout: "300 millis", leaseGrace: 0 })
      // After a create, the link goes dead both ways, without a close (a peer that lost power).
      let dead = false
      const m = yield* ManagerClient.make({ address: server.address, authkey, heartbeatInterval: "100 millis" }).pipe(
        Effect.provide(FaultyTransport.layer(() => ({ silenced: () => dead })))
      )
      yield* m.dict({ a: 1 })
      expect(yield* server.numberOfObjects).toBe(1)
      dead = true
      const q = yield* m.Queue<number>().pipe(Effect.timeout("2 seconds"), Effect.flip)
      expect(["ConnectionLost", "TimeoutError"]).toContain(q._tag)
      const start = Date.now()
      while ((yield* server.numberOfObjects) > 0 && Date.now() - start < 5000) yield* Effect.sleep("50 millis")
      expect(yield* server.numberOfObjects).toBe(0)
      expect(yield* Effect.flip(m.ping)).toMatchObject({ _tag: "ConnectionLost" })
    }))
})
