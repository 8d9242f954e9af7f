/**
 * Interrupts racing replies, over a real Unix socket, between two clients on
 * two connections. Whatever the timing: every item put is got exactly once
 * or is still in the queue (an interrupted put: at most once), no lock stays
 * held by nobody, and a semaphore ends with the permits it started with.
 *
 * CI runs them small; `npm run soak` runs more than 100,000 raced operations.
 */
import { randomBytes } from "node:crypto"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, layer } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option } from "effect"
import * as fc from "fast-check"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import type { ManagerShape } from "../../src/proxy/Manager.ts"
import * as Registry from "../../src/services/Registry.ts"
import type { RefcountStore } from "../../src/services/RefcountStore.ts"
import type { Server } from "../../src/services/Server.ts"
import type { SharedState } from "../../src/services/SharedState.ts"
import type { Transport } from "../../src/services/Transport.ts"
import { scale } from "../support/soak.ts"

const authkey = new TextEncoder().encode("races")
const deps = Layer.mergeAll(NodeTransport.layer, MemoryBackend.layer, Registry.layer(SyncManagerTypes.all))

/** A server on a fresh Unix socket, and two clients of it on connections of their own. */
const twoClients = Effect.gen(function*() {
  const server = yield* ServerLive.make({
    address: `unix:${join(tmpdir(), `effect-managers-races-${randomBytes(4).toString("hex")}.sock`)}`,
    authkey
  })
  const a = yield* ManagerClient.make({ address: server.address, authkey })
  const b = yield* ManagerClient.make({ address: server.address, authkey })
  return { server, a, b }
})

// Replies to abandoned calls are read and undone before a ping's reply: two pings settle them all.
const settle = (...clients: ReadonlyArray<ManagerShape>) =>
  Effect.forEach(clients, (c) => Effect.andThen(c.ping, c.ping), { discard: true })

const expectNothingLeft = (server: Server["Service"]) =>
  Effect.gen(function*() {
    expect(yield* server.numberOfObjects).toBe(0)
  })

layer(deps, { excludeTestServices: true })("interrupts racing replies", (it) => {
  it.effect("a consumer polling get with a 3 ms timeout while another connection puts: every item, once, in order", () =>
    Effect.gen(function*() {
      const n = scale(2000, 5000)
      yield* Effect.scoped(Effect.gen(function*() {
        const { a, b, server } = yield* twoClients
        const q = yield* b.Queue<number>()
        const mine = (yield* a.proxy(q.token)) as typeof q
        // Paced so that gets often wait on an empty queue and time out just as an item arrives.
        const producer = yield* Effect.forkChild(Effect.forEach(
          Array.from({ length: n }, (_, i) => i),
          (i) => Effect.andThen(q.put(i), i % 3 === 0 ? Effect.sleep(Duration.micros(BigInt((i * 7919) % 4000))) : Effect.void),
          { discard: true }
        ))
        const got: Array<number> = []
        let timeouts = 0
        while (got.length < n) {
          const item = yield* Effect.timeoutOption(mine.get(), "3 millis")
          if (Option.isSome(item)) got.push(item.value)
          else timeouts++
        }
        yield* Fiber.join(producer)
        yield* settle(a, b)
        expect(got).toEqual(Array.from({ length: n }, (_, i) => i))
        expect(yield* q.qsize()).toBe(0)
        const stats = yield* a.stats
        // The race really happened: gets that completed after their caller gave up were undone.
        console.log(`queue race: ${n} items, ${timeouts} timeouts, ${stats.calls.cancelled} cancelled, ${stats.calls.undone} undone`)
        expect(timeouts).toBeGreaterThan(0)
        expect(stats.calls.cancelled + stats.calls.undone).toBeGreaterThan(0)
        yield* q.releaseProxy
        yield* mine.releaseProxy
        yield* settle(a, b)
        yield* expectNothingLeft(server)
      }))
    }), { timeout: 120_000 })

  it.effect("a lock polled with a 2 ms timeout while another connection takes it in a loop: the loop never blocks, the lock ends free", () =>
    Effect.gen(function*() {
      const rounds = scale(300, 3000)
      yield* Effect.scoped(Effect.gen(function*() {
        const { a, b, server } = yield* twoClients
        const lock = yield* a.Lock()
        const theirs = (yield* b.proxy(lock.token)) as typeof lock
        let done = false
        let polls = 0
        const poller = yield* Effect.forkChild(Effect.gen(function*() {
          while (!done) {
            polls++
            const got = yield* Effect.timeoutOption(theirs.acquire(), "2 millis")
            if (Option.isSome(got) && got.value) yield* theirs.release()
          }
        }))
        for (let i = 0; i < rounds; i++) {
          // A lock held by nobody would stop this loop: a bounded wait says so instead of hanging.
          const acquired = yield* lock.acquire({ timeout: "5 seconds" })
          expect(acquired).toBe(true)
          yield* Effect.sleep("1 millis")
          yield* lock.release()
        }
        done = true
        yield* Fiber.join(poller)
        yield* settle(a, b)
        expect(yield* lock.locked()).toBe(false)
        const stats = yield* a.stats
        console.log(`lock race: ${rounds} rounds, ${polls} polls, ${stats.calls.cancelled} cancelled, ${stats.calls.undone} undone`)
        yield* theirs.releaseProxy
        yield* lock.releaseProxy
        yield* settle(a, b)
        yield* expectNothingLeft(server)
      }))
    }), { timeout: 120_000 })

  it.effect("random interrupts race puts, gets, acquires, releases, waits and notifies on two connections: the model holds", () =>
    Effect.gen(function*() {
      const context = yield* Effect.context<Registry.Registry | Transport | RefcountStore | SharedState>()
      const runs = scale(12, 260)
      const length = scale(50, 200)
      let raced = 0
      const outcomes = { cancelled: 0, undone: 0, irreversible: 0 }
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(plan(length), plan(length), (planA, planB) =>
            Effect.runPromiseWith(context)(Effect.scoped(Effect.gen(function*() {
              raced += planA.length + planB.length
              const calls = yield* runPlans(planA, planB)
              outcomes.cancelled += calls.cancelled
              outcomes.undone += calls.undone
              outcomes.irreversible += calls.irreversible
            })))
          ),
          { numRuns: runs, endOnFailure: true }
        )
      )
      console.log(`model race: ${raced} raced operations, ${outcomes.cancelled} calls cancelled, ${outcomes.undone} undone, ${outcomes.irreversible} not undone`)
      expect(raced).toBe(runs * length * 2)
      // The interrupts did race the replies, both ways.
      expect(outcomes.cancelled).toBeGreaterThan(0)
      expect(outcomes.undone).toBeGreaterThan(0)
    }), { timeout: scale(120_000, 3_600_000) })
})

/** When a raced operation is interrupted: after some yields, after a sleep, or never. */
type Race = { readonly _tag: "yields"; readonly n: number } | { readonly _tag: "sleep"; readonly micros: number } | { readonly _tag: "none" }
type Op =
  | { readonly _tag: "put" | "get" | "lock" | "semaphore" | "wait" | "notify"; readonly race: Race }

const race: fc.Arbitrary<Race> = fc.oneof(
  fc.record({ _tag: fc.constant("yields" as const), n: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ _tag: fc.constant("sleep" as const), micros: fc.integer({ min: 0, max: 3000 }) }),
  fc.constant({ _tag: "none" as const })
)
const op: fc.Arbitrary<Op> = fc.record({
  _tag: fc.constantFrom("put", "put", "get", "get", "lock", "semaphore", "wait", "notify"),
  race
})
const plan = (length: number) => fc.array(op, { minLength: length, maxLength: length })

/** Runs `effect`, interrupted as `race` says; gives its value, or None when interrupted first. */
const raced = <A, E>(effect: Effect.Effect<A, E>, r: Race): Effect.Effect<Option.Option<A>, E> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(effect, { startImmediately: true })
    if (r._tag === "none") return Option.some(yield* Fiber.join(fiber))
    if (r._tag === "yields") for (let i = 0; i < r.n; i++) yield* Effect.yieldNow
    else yield* Effect.sleep(Duration.micros(BigInt(r.micros)))
    const exit = yield* Fiber.interrupt(fiber).pipe(Effect.andThen(Fiber.await(fiber)))
    if (exit._tag === "Success") return Option.some(exit.value)
    // Interrupted: the rule says it had no effect, or had it undone.
    if (exit.cause.reasons.every((reason) => reason._tag === "Interrupt")) return Option.none()
    return yield* Effect.failCause(exit.cause)
  })

const runPlans = (planA: ReadonlyArray<Op>, planB: ReadonlyArray<Op>) =>
  Effect.gen(function*() {
    const { a, b } = yield* twoClients
    const shared = {
      q: yield* a.Queue<string>({ maxsize: 4 }),
      lock: yield* a.Lock(),
      semaphore: yield* a.Semaphore(2),
      cond: yield* a.Condition()
    }
    const viewOf = (m: ManagerShape) =>
      m === a
        ? Effect.succeed(shared)
        : Effect.gen(function*() {
          return {
            q: (yield* m.proxy(shared.q.token)) as typeof shared.q,
            lock: (yield* m.proxy(shared.lock.token)) as typeof shared.lock,
            semaphore: (yield* m.proxy(shared.semaphore.token)) as typeof shared.semaphore,
            cond: (yield* m.proxy(shared.cond.token)) as typeof shared.cond
          }
        })
    const acknowledged = new Set<string>()
    const maybe = new Set<string>()
    const got: Array<string> = []

    const client = (m: ManagerShape, name: string, plan: ReadonlyArray<Op>) =>
      Effect.gen(function*() {
        const v = yield* viewOf(m)
        let i = 0
        for (const o of plan) {
          const item = `${name}${i++}`
          switch (o._tag) {
            case "put": {
              // Nobody may ever take it: a full queue gives up after a while.
              const r = yield* raced(Effect.option(v.q.put(item, { timeout: "20 millis" })), o.race)
              if (Option.isSome(r) && Option.isSome(r.value)) acknowledged.add(item)
              else if (Option.isNone(r)) maybe.add(item)
              break
            }
            case "get": {
              const r = yield* raced(Effect.option(v.q.get({ timeout: "20 millis" })), o.race)
              if (Option.isSome(r) && Option.isSome(r.value)) got.push(r.value.value)
              break
            }
            case "lock": {
              // Held only between an acquire that returned and its release, whatever interrupts.
              yield* raced(Effect.uninterruptibleMask((restore) =>
                Effect.flatMap(restore(v.lock.acquire({ timeout: "20 millis" })), (held) => (held ? v.lock.release() : Effect.void))
              ), o.race)
              break
            }
            case "semaphore": {
              yield* raced(Effect.uninterruptibleMask((restore) =>
                Effect.flatMap(restore(v.semaphore.acquire({ timeout: "20 millis" })), (held) => (held ? v.semaphore.release() : Effect.void))
              ), o.race)
              break
            }
            case "wait": {
              // A condition's lock belongs to the fiber that holds it: acquire, wait and release in one.
              yield* raced(v.cond.withLock(v.cond.wait("20 millis")), o.race)
              break
            }
            case "notify": {
              yield* raced(v.cond.withLock(v.cond.notifyAll()), o.race)
              break
            }
          }
        }
      })

    yield* Effect.all([client(a, "a", planA), client(b, "b", planB)], { concurrency: 2, discard: true })
    yield* settle(a, b)

    // Every item put is got exactly once, or is still in the queue; an interrupted put at most once.
    const left: Array<string> = []
    while ((yield* shared.q.qsize()) > 0) left.push(yield* shared.q.getNowait())
    const seen = [...got, ...left]
    expect(new Set(seen).size).toBe(seen.length)
    for (const item of acknowledged) expect(seen).toContain(item)
    for (const item of seen) expect(acknowledged.has(item) || maybe.has(item)).toBe(true)
    // No lock held by nobody, no permit lost or made.
    expect(yield* shared.lock.locked()).toBe(false)
    expect(yield* shared.semaphore.value()).toBe(2)
    expect(yield* shared.cond.acquire({ blocking: false })).toBe(true)
    yield* shared.cond.release()
    return (yield* a.stats).calls
  })
