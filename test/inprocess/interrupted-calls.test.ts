/**
 * The rule for every interrupted call: it had no effect, or its effect is
 * undone. The server decides which. These tests make each side of the race
 * happen on purpose: a call still waiting when its Cancel arrives (the reply
 * is Cancelled and nothing was taken), and a call that completed while its
 * reply was on the way (replies to the client are delayed, so the client
 * gives up first; the late result goes back with Undo).
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Fiber, Layer, Logger, Option, Result } from "effect"
import { clientHandshake } from "../../src/protocol/Handshake.ts"
import { handshakeMaxFrameSize } from "../../src/protocol/Framing.ts"
import { protocolVersion, type Reply, type Request } from "../../src/protocol/Messages.ts"
import { decodeReply, encodeRequest } from "../../src/protocol/WireCodec.ts"
import * as FaultyTransport from "../../src/layers/FaultyTransport.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as MemoryNetwork from "../../src/layers/MemoryNetwork.ts"
import * as MemoryTransport from "../../src/layers/MemoryTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"
import { type Connection, Transport } from "../../src/services/Transport.ts"

const authkey = new TextEncoder().encode("interrupted calls")
const deps = Layer.mergeAll(Transport.layer(MemoryTransport.medium), MemoryBackend.layer, Registry.layer(SyncManagerTypes.all)).pipe(
  // One network for the server and the faulty clients that connect to it.
  Layer.provideMerge(MemoryNetwork.layer)
)

// Every reply to this client arrives 40 ms late: a 5 ms timeout always gives up first.
const lateReplies = FaultyTransport.layer((_n, direction) => (direction === "toClient" ? { delayMillis: () => 40 } : {}))

/** A raw connection of our dialect, to see exactly what the server answers. */
const rawSession = (address: string) =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const connection: Connection = yield* transport.connect(address)
    yield* clientHandshake({
      send: (p) => Effect.sync(() => connection.sendUnsafe(p)),
      receive: (limit) => connection.receive(Math.min(limit, handshakeMaxFrameSize))
    }, { authkey })
    const send = (request: Request) => connection.sendUnsafe(encodeRequest(request))
    const next = Effect.map(connection.receive(), (bytes): Reply => Result.getOrThrow(decodeReply(bytes)))
    send({ _tag: "Hello", id: 1, session: `raw-${Math.random()}`, version: protocolVersion })
    yield* next
    return { send, next }
  })

layer(deps, { excludeTestServices: true })("an interrupted call has no effect, or its effect is undone", (it) => {
  it.effect("a get still waiting when Cancel arrives: the reply is Cancelled and the queue keeps its next item", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:cancel-waiting", authkey })
      const m = yield* ManagerClient.make({ address: server.address, authkey })
      const q = yield* m.Queue<string>()
      const raw = yield* rawSession(server.address)
      raw.send({ _tag: "Call", id: 10, object: q.token.id, method: "get", args: [true, null], kwargs: null, caller: 1, trace: null })
      yield* Effect.sleep("10 millis")
      raw.send({ _tag: "Cancel", id: 11, target: 10 })
      expect(yield* raw.next).toEqual({ _tag: "Cancelled", id: 10 })
      yield* q.put("kept")
      expect(yield* q.getNowait()).toBe("kept")
    }).pipe(Effect.scoped))

  it.effect("the server's verdict on Undo: a get is undone to the head, a dict write stands, a Barrier party cannot be undone", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:undo-verdicts", authkey })
      const m = yield* ManagerClient.make({ address: server.address, authkey })
      const q = yield* m.Queue<string>()
      const d = yield* m.dict<string, number>()
      const barrier = yield* m.Barrier(1)
      yield* q.put("first")
      yield* q.put("second")
      const raw = yield* rawSession(server.address)
      // Completed at once: Cancel finds nothing to stop, the result is already on its way.
      raw.send({ _tag: "Call", id: 10, object: q.token.id, method: "get_nowait", args: [], kwargs: null, caller: 1, trace: null })
      raw.send({ _tag: "Cancel", id: 11, target: 10 })
      expect(yield* raw.next).toEqual({ _tag: "Return", id: 10, value: "first" })
      raw.send({ _tag: "Undo", id: 12, object: q.token.id, method: "get_nowait", args: [], result: "first", caller: 1 })
      expect(yield* raw.next).toEqual({ _tag: "Return", id: 12, value: "undone" })
      expect([yield* q.get(), yield* q.get()]).toEqual(["first", "second"])
      raw.send({ _tag: "Call", id: 13, object: d.token.id, method: "__setitem__", args: ["k", 1], kwargs: null, caller: 1, trace: null })
      yield* raw.next
      raw.send({ _tag: "Undo", id: 14, object: d.token.id, method: "__setitem__", args: ["k", 1], result: null, caller: 1 })
      expect(yield* raw.next).toEqual({ _tag: "Return", id: 14, value: "stands" })
      raw.send({ _tag: "Undo", id: 15, object: barrier.token.id, method: "wait", args: [null], result: 0, caller: 1 })
      expect(yield* raw.next).toEqual({ _tag: "Return", id: 15, value: "irreversible" })
    }).pipe(Effect.scoped))

  it.effect("a get whose reply comes after its caller gave up: the item goes back to the head, in order", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:late-get", authkey })
      const steady = yield* ManagerClient.make({ address: server.address, authkey })
      const late = yield* ManagerClient.make({ address: server.address, authkey }).pipe(Effect.provide(lateReplies))
      const shared = yield* steady.Queue<number>()
      for (const n of [1, 2, 3]) yield* shared.put(n)
      const q = (yield* late.proxy(shared.token)) as typeof shared
      expect(yield* Effect.timeoutOption(q.get(), "5 millis")).toEqual(Option.none())
      expect(yield* Effect.timeoutOption(q.getNowait(), "5 millis")).toEqual(Option.none())
      // Once the late replies are back and undone, nothing is missing and the order is kept.
      yield* late.ping
      yield* late.ping
      expect([yield* shared.get(), yield* shared.get(), yield* shared.get()]).toEqual([1, 2, 3])
      expect(yield* shared.qsize()).toBe(0)
    }).pipe(Effect.scoped))

  it.effect("a put whose reply comes late is taken out again; a callTimeout that passes is the same rule", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:late-put", authkey })
      const steady = yield* ManagerClient.make({ address: server.address, authkey })
      const late = yield* ManagerClient.make({ address: server.address, authkey, callTimeout: "5 millis" }).pipe(Effect.provide(lateReplies))
      const shared = yield* steady.Queue<string>()
      const q = (yield* late.proxy(shared.token)) as typeof shared
      expect(yield* Effect.flip(q.put("never"))).toMatchObject({ _tag: "CallTimeout", method: "put" })
      yield* late.ping
      yield* late.ping
      expect(yield* shared.qsize()).toBe(0)
    }).pipe(Effect.scoped))

  it.effect("a lock granted after its caller gave up is released: the other client acquires it, and it ends unlocked", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:late-lock", authkey })
      const steady = yield* ManagerClient.make({ address: server.address, authkey })
      const late = yield* ManagerClient.make({ address: server.address, authkey }).pipe(Effect.provide(lateReplies))
      const lock = yield* steady.Lock()
      const semaphore = yield* steady.Semaphore(2)
      const rlock = yield* steady.RLock()
      const theirs = {
        lock: (yield* late.proxy(lock.token)) as typeof lock,
        semaphore: (yield* late.proxy(semaphore.token)) as typeof semaphore,
        rlock: (yield* late.proxy(rlock.token)) as typeof rlock
      }
      expect(yield* Effect.timeoutOption(theirs.lock.acquire(), "5 millis")).toEqual(Option.none())
      expect(yield* Effect.timeoutOption(theirs.semaphore.acquire(), "5 millis")).toEqual(Option.none())
      expect(yield* Effect.timeoutOption(theirs.rlock.acquire(), "5 millis")).toEqual(Option.none())
      yield* late.ping
      yield* late.ping
      expect(yield* lock.acquire({ timeout: "1 second" })).toBe(true)
      yield* lock.release()
      expect(yield* lock.locked()).toBe(false)
      expect(yield* semaphore.value()).toBe(2)
      expect(yield* rlock.acquire({ blocking: false })).toBe(true)
      yield* rlock.release()
    }).pipe(Effect.scoped))

  it.effect("a condition wait that returned after its caller gave up gives the lock back", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "memory:late-wait", authkey })
      const steady = yield* ManagerClient.make({ address: server.address, authkey })
      // Replies 200 ms late: the wait is notified at once, and its caller gives up at 300 ms, before the reply.
      const late = yield* ManagerClient.make({ address: server.address, authkey }).pipe(
        Effect.provide(FaultyTransport.layer((_n, direction) => (direction === "toClient" ? { delayMillis: () => 200 } : {})))
      )
      const cond = yield* steady.Condition()
      const theirs = (yield* late.proxy(cond.token)) as typeof cond
      // Lock ownership belongs to the calling fiber: acquire and wait in the same one.
      const waiter = yield* Effect.forkChild(Effect.timeoutOption(
        Effect.andThen(theirs.acquire(), theirs.wait("5 seconds")),
        "300 millis"
      ))
      const waiting = () => Effect.map(server.debugInfo, (info) => info.some((o) => o.description.endsWith(", 1)>")))
      while (!(yield* waiting())) yield* Effect.sleep("2 millis")
      yield* cond.acquire()
      yield* cond.notify()
      yield* cond.release()
      expect(yield* Fiber.join(waiter)).toEqual(Option.none())
      yield* late.ping
      yield* late.ping
      expect(yield* cond.acquire({ timeout: "1 second" })).toBe(true)
      yield* cond.release()
    }).pipe(Effect.scoped))

  it.effect("a Barrier party that passed after its caller gave up cannot be undone: the client says so in a warning", () =>
    Effect.gen(function*() {
      const warnings: Array<string> = []
      const capture = Logger.make(({ logLevel, message }) => {
        if (logLevel === "Warn") warnings.push(String(Array.isArray(message) ? message.join(" ") : message))
      })
      const server = yield* ServerLive.make({ address: "memory:late-barrier", authkey })
      const steady = yield* ManagerClient.make({ address: server.address, authkey })
      const late = yield* ManagerClient.make({ address: server.address, authkey }).pipe(
        Effect.provide(Layer.merge(lateReplies, Logger.layer([capture])))
      )
      const barrier = yield* steady.Barrier(2)
      const theirs = (yield* late.proxy(barrier.token)) as typeof barrier
      const first = yield* Effect.forkChild(barrier.wait())
      yield* Effect.sleep("20 millis")
      expect(yield* Effect.timeoutOption(theirs.wait(), "5 millis")).toEqual(Option.none())
      expect(yield* Fiber.join(first)).toBe(0)
      yield* late.ping
      yield* late.ping
      expect(warnings.some((w) => /wait .* cannot be undone/.test(w))).toBe(true)
    }).pipe(Effect.scoped))
})
