/**
 * Faults and load with real processes on real sockets: clients killed with
 * SIGKILL at random moments during a mixed workload, a server killed and
 * restarted, a client that stops reading, and many clients at once. Nothing
 * acknowledged is lost, no lease outlives its client, no lock stays held,
 * and the counts come out exact.
 *
 * CI runs them small; `npm run soak` runs 64 clients of 10,000 operations.
 */
import { readFileSync } from "node:fs"
import * as net from "node:net"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer } from "effect"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import { frame } from "../../src/protocol/Framing.ts"
import { answerFor } from "../../src/protocol/Handshake.ts"
import { protocolVersion } from "../../src/protocol/Messages.ts"
import { encodeRequest } from "../../src/protocol/WireCodec.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import { assertNoChildren, binScript, type Child, spawnNode, unixAddress, worker } from "../support/processes.ts"
import { prng } from "../support/mutate.ts"
import { scale } from "../support/soak.ts"

const authkey = new TextEncoder().encode("chaos key")

const serve = (address: string, extra: ReadonlyArray<string> = []) =>
  Effect.gen(function*() {
    const server = yield* spawnNode(binScript, ["serve", "--address", address, ...extra], { authkey })
    const line = String(yield* server.line)
    return { server, address: line.slice("listening ".length) }
  })

const client = (address: string) =>
  Layer.effect(Manager, ManagerClient.make({ address, authkey })).pipe(Layer.provide(NodeTransport.layer))

const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024

afterAll(() => assertNoChildren())

describe("chaos", () => {
  it.live("clients killed with SIGKILL mid-workload: leases reclaimed, no lock held, no acknowledged item lost", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(unixAddress("chaos"), ["--lease-grace", "0.3"])
      yield* Effect.gen(function*() {
        const m = yield* Manager
        const counter = yield* m.dict<string, number>()
        const lock = yield* m.Lock()
        const queue = yield* m.Queue<string>()
        const waitq = yield* m.Queue<string>()
        const baseline = yield* m.numberOfObjects
        const tokens = { counter: counter.token, lock: lock.token, queue: queue.token, waitq: waitq.token }
        const random = prng(11)
        const acked = new Set<string>()
        const collect = (w: Child) =>
          Effect.map(w.drain, (lines) => {
            for (const l of lines) if (l?.event === "put") acked.add(l.item)
          })
        const rounds = scale(8, 150)
        let spawned = 0
        for (let round = 0; round < rounds; round++) {
          const workers = yield* Effect.forEach(Array.from({ length: 3 }), () =>
            worker("chaos", { address, tokens, name: `w${spawned++}`, seed: Math.floor(random() * 1e9) }, authkey))
          for (const w of workers) expect((yield* w.line).event).toBe("started")
          yield* Effect.sleep(`${Math.floor(50 + random() * 250)} millis`)
          for (const w of workers) yield* w.kill("SIGKILL")
          for (const w of workers) expect((yield* w.exit).signal).toBe("SIGKILL")
          yield* Effect.forEach(workers, collect)
        }
        // Leases expire: every reference the killed clients held is gone, and their lock permits.
        const start = Date.now()
        while ((yield* m.numberOfObjects) > baseline && Date.now() - start < 10_000) yield* Effect.sleep("50 millis")
        expect(yield* m.numberOfObjects).toBe(baseline)
        expect(yield* lock.acquire({ timeout: "5 seconds" })).toBe(true)
        yield* lock.release()
        // Every put acknowledged to a producer is in the queue, once; nothing else is.
        const items: Array<string> = []
        for (let n = yield* queue.qsize(); n > 0; n--) items.push(yield* queue.get())
        expect(new Set(items).size).toBe(items.length)
        for (const a of acked) expect(items).toContain(a)
        // Gets cut off by their client's death took nothing: items put now all stay.
        for (let i = 0; i < 5; i++) yield* waitq.put(`late-${i}`)
        expect(yield* waitq.qsize()).toBe(5)
        console.log(`chaos: ${spawned} clients killed, ${acked.size} puts acknowledged, ${items.length} items in the queue`)
      }).pipe(Effect.provide(client(address)))
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped), { timeout: 600_000 })

  it.live("a server killed mid-run: calls fail within a second with a typed error; a restarted manager takes new clients", () =>
    Effect.gen(function*() {
      const address = unixAddress("restart-chaos")
      const first = yield* serve(address)
      const outcome = yield* Effect.gen(function*() {
        const m = yield* Manager
        const q = yield* m.Queue<number>()
        const waiting = yield* Effect.forEach(Array.from({ length: 10 }), () => Effect.forkChild(Effect.exit(q.get())))
        yield* Effect.sleep("50 millis")
        yield* first.server.kill("SIGKILL")
        const exits = yield* Effect.timeout(Fiber.joinAll(waiting), "1 second")
        const later = yield* Effect.exit(q.put(1))
        return { exits, later }
      }).pipe(Effect.provide(client(address)))
      for (const e of outcome.exits) expect(Exit.isFailure(e) && JSON.stringify(e.cause)).toContain("ConnectionLost")
      expect(Exit.isFailure(outcome.later)).toBe(true)
      const second = yield* serve(address)
      yield* Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict({ back: true })
        expect(yield* d.getItem("back")).toBe(true)
      }).pipe(Effect.scoped, Effect.provide(client(address)))
      yield* second.server.kill("SIGTERM")
      yield* second.server.exit
    }).pipe(Effect.scoped))

  it.live("a client that stops reading: the server stops reading it, keeps its memory bounded, and serves the others", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(unixAddress("slow-reader"))
      yield* Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict<string, Uint8Array>()
        yield* d.set("big", new Uint8Array(1 << 20))
        const before = rss(server.pid)
        // A raw client asks for the megabyte again and again and never reads a reply.
        const socket = net.createConnection({ path: address.slice(5) })
        yield* Effect.addFinalizer(() => Effect.sync(() => socket.destroy()))
        yield* Effect.callback<void>((resume) => {
          socket.once("data", (challenge: Buffer) => {
            socket.write(frame(answerFor(authkey, challenge.subarray(15)) as Uint8Array))
            socket.once("data", () => {
              const body = Buffer.concat([Buffer.from("{sha256}"), Buffer.alloc(40, 1)])
              socket.write(frame(Buffer.concat([Buffer.from("#CHALLENGE#"), body])))
              socket.once("data", () => {
                socket.write(frame(Buffer.from("#WELCOME#")))
                socket.write(frame(encodeRequest({ _tag: "Hello", id: 1, session: "slow", version: protocolVersion })))
                for (let i = 0; i < 2000; i++) {
                  socket.write(frame(encodeRequest({ _tag: "Call", id: 2 + i, object: d.token.id, method: "__getitem__", args: ["big"], kwargs: null, caller: 1, trace: null })))
                }
                socket.pause()
                resume(Effect.void)
              })
            })
          })
        })
        yield* Effect.sleep("1500 millis")
        // 2,000 replies of a megabyte would be 2 GB; what the server holds stays near the socket's buffers.
        const grown = rss(server.pid) - before
        console.log(`slow reader: server RSS grew ${(grown / 1e6).toFixed(1)} MB`)
        expect(grown).toBeLessThan(256 * 1024 * 1024)
        yield* d.set("other", new Uint8Array(3))
        expect((yield* d.getItem("other")).length).toBe(3)
      }).pipe(Effect.scoped, Effect.provide(client(address)))
      yield* server.kill("SIGTERM")
      yield* server.exit
    }).pipe(Effect.scoped))
})

describe("load", () => {
  const clients = scale(8, 64)
  const ops = scale(400, 10_000)
  it.live(`${clients} client processes × ${ops} mixed operations: the final values equal a sequential model's`, () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(unixAddress("load"))
      yield* Effect.gen(function*() {
        const m = yield* Manager
        const counter = yield* m.dict<string, number>()
        const lock = yield* m.Lock()
        const queue = yield* m.Queue<string>()
        const tokens = { counter: counter.token, lock: lock.token, queue: queue.token }
        yield* m.ping
        const before = rss(server.pid)
        const workers = yield* Effect.forEach(Array.from({ length: clients }, (_, i) => i), (i) =>
          // A worker prints once, when done: at full size that is minutes away.
          worker("load", { address, tokens, name: `c${i}`, ops }, authkey, scale("1 minute", "20 minutes")), { concurrency: 8 })
        const reports = yield* Effect.forEach(workers, (w) => w.lineWhere((l) => l?.event === "done"))
        for (const w of workers) expect((yield* w.exit).code).toBe(0)
        const increments = reports.reduce((n, r) => n + r.increments, 0)
        expect(yield* counter.getItem("total")).toBe(increments)
        const got: Array<string> = reports.flatMap((r) => r.got)
        for (let n = yield* queue.qsize(); n > 0; n--) got.push(yield* queue.get())
        const puts = reports.reduce((n, r) => n + r.puts, 0)
        expect(got.length).toBe(puts)
        expect(new Set(got).size).toBe(puts)
        expect(yield* m.numberOfObjects).toBe(3)
        const after = rss(server.pid)
        console.log(`load: ${clients}×${ops} ops, ${increments} increments, ${puts} items; server RSS ${(before / 1e6).toFixed(0)} → ${(after / 1e6).toFixed(0)} MB`)
        expect(after - before).toBeLessThan(128 * 1024 * 1024)
      }).pipe(Effect.provide(client(address)))
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped), { timeout: 1_800_000 })
})
