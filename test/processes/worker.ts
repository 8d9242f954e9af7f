/**
 * A client process for the cross-process tests: connects to the manager at
 * `input.address` (key from MANAGER_AUTHKEY), runs one task on the objects
 * whose tokens it was given, and reports as JSON lines on stdout.
 *
 *   node worker.ts TASK '{"address": "...", "tokens": {...}, ...}'
 */
import { writeSync } from "node:fs"
import { Effect, Layer } from "effect"
import { parseAuthkey } from "../../src/layers/process/Authkey.ts"
import { Token } from "../../src/domain/Token.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import type { ConditionProxy } from "../../src/proxy/ConditionProxy.ts"
import type { DictProxy } from "../../src/proxy/DictProxy.ts"
import type { EventProxy } from "../../src/proxy/EventProxy.ts"
import type { BarrierProxy } from "../../src/proxy/BarrierProxy.ts"
import type { ListProxy } from "../../src/proxy/ListProxy.ts"
import type { LockProxy } from "../../src/proxy/AcquirerProxy.ts"
import type { QueueProxy } from "../../src/proxy/QueueProxy.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import * as Registry from "../../src/services/Registry.ts"

const [task, json] = process.argv.slice(2) as [string, string]
const input = JSON.parse(json) as {
  readonly address: string
  readonly tokens?: Record<string, { typeid: string; address: string; id: string }>
  readonly [key: string]: unknown
}
const say = (event: string, data: Record<string, unknown> = {}) =>
  Effect.sync(() => process.stdout.write(`${JSON.stringify({ event, ...data })}\n`))

const GetQueue = Registry.alias("get_queue", SyncManagerTypes.types.Queue)

const proxy = <P>(name: string) =>
  Effect.flatMap(Manager, (m) => m.proxy(Token.fromJSON(input.tokens![name]!))) as unknown as Effect.Effect<P, never, Manager | import("effect").Scope.Scope>

const tasks: Record<string, Effect.Effect<void, unknown, Manager | import("effect").Scope.Scope>> = {
  produce: Effect.gen(function*() {
    const q = yield* proxy<QueueProxy<unknown>>("queue")
    const { from, to, tag } = input as unknown as { from: number; to: number; tag: string }
    for (let i = from; i < to; i++) yield* q.put([tag, i])
    yield* say("done")
  }),
  consume: Effect.gen(function*() {
    const q = yield* proxy<QueueProxy<unknown>>("queue")
    const items: Array<unknown> = []
    for (let i = 0; i < (input["count"] as number); i++) items.push(yield* q.get())
    yield* say("items", { items })
  }),
  jobs: Effect.gen(function*() {
    const q = yield* proxy<QueueProxy<number | null>>("queue")
    const results = yield* proxy<ListProxy<number>>("results")
    while (true) {
      const job = yield* q.get()
      if (job === null) break
      yield* results.append(job * job)
      yield* q.taskDone()
    }
    yield* say("done")
  }),
  barrier: Effect.gen(function*() {
    const b = yield* proxy<BarrierProxy>("barrier")
    yield* say("index", { index: yield* b.wait() })
  }),
  notify: Effect.gen(function*() {
    const c = yield* proxy<ConditionProxy>("condition")
    yield* c.withLock(c.notifyAll())
    yield* say("notified")
  }),
  wait: Effect.gen(function*() {
    const c = yield* proxy<ConditionProxy>("condition")
    const woken = yield* c.withLock(Effect.andThen(say("waiting"), c.wait("20 seconds")))
    yield* say("woken", { woken })
  }),
  "acquire-lock": Effect.gen(function*() {
    const lock = yield* proxy<LockProxy>("lock")
    yield* say("acquired", { acquired: yield* lock.acquire() })
  }),
  "set-event": Effect.gen(function*() {
    const e = yield* proxy<EventProxy>("event")
    yield* Effect.sleep("50 millis")
    yield* e.set()
    yield* say("set")
  }),
  "get-queue-put": Effect.gen(function*() {
    const m = yield* Manager
    const q = yield* m.create(GetQueue)
    yield* q.put(input["value"])
    yield* say("put")
  }),
  "read-nested": Effect.gen(function*() {
    const d = yield* proxy<DictProxy<string, QueueProxy<string>>>("dict")
    const q = yield* d.getItem("queue")
    yield* q.put(`from ${process.pid}`)
    yield* say("put", { typeid: q.typeid })
  }),
  // Random operations until killed; every acknowledged put is printed at once (synchronously).
  chaos: Effect.gen(function*() {
    const counter = yield* proxy<DictProxy<string, number>>("counter")
    const lock = yield* proxy<LockProxy>("lock")
    const queue = yield* proxy<QueueProxy<string>>("queue")
    const waitq = yield* proxy<QueueProxy<string>>("waitq")
    const m = yield* Manager
    const name = String(input["name"])
    let seq = 0
    let random = Number(input["seed"] ?? 1)
    const next = () => (random = (random * 1103515245 + 12345) % 2147483648) / 2147483648
    yield* say("started")
    while (true) {
      const r = next()
      if (r < 0.3) {
        const item = `${name}:${seq++}`
        yield* queue.put(item)
        writeSync(1, `${JSON.stringify({ event: "put", item })}\n`)
      } else if (r < 0.5) {
        yield* lock.withLock(Effect.gen(function*() {
          yield* counter.set(name, (yield* counter.getOrElse(name, 0)) + 1)
          if (next() < 0.3) yield* Effect.sleep("2 millis")
        }))
      } else if (r < 0.7) {
        yield* Effect.scoped(Effect.gen(function*() {
          const d = yield* m.dict<string, unknown>({ name })
          yield* d.set("x", seq)
          const l = yield* m.list([d])
          yield* l.length()
        }))
      } else if (r < 0.8) {
        // A get that waits on an empty queue: killing it must take no later item.
        yield* waitq.get({ timeout: "5 millis" }).pipe(Effect.ignore)
      } else {
        yield* counter.get("missing")
      }
    }
  }),
  // A fixed number of mixed operations, for the load test: increments under the lock, puts, gets.
  load: Effect.gen(function*() {
    const counter = yield* proxy<DictProxy<string, number>>("counter")
    const lock = yield* proxy<LockProxy>("lock")
    const queue = yield* proxy<QueueProxy<string>>("queue")
    const name = String(input["name"])
    const ops = Number(input["ops"])
    let increments = 0
    const got: Array<string> = []
    let puts = 0
    for (let i = 0; i < ops; i++) {
      switch (i % 4) {
        case 0:
          yield* lock.withLock(Effect.flatMap(counter.getOrElse("total", 0), (n) => counter.set("total", n + 1)))
          increments++
          break
        case 1:
        case 2:
          yield* queue.put(`${name}:${puts++}`)
          break
        case 3: {
          const item = yield* queue.get({ block: false }).pipe(Effect.option)
          if (item._tag === "Some") got.push(item.value)
        }
      }
    }
    yield* say("done", { increments, puts, got })
  }),
  // A Pool with tasks running, until killed: its lease must take the workers down.
  pool: Effect.gen(function*() {
    const m = yield* Manager
    const pool = yield* m.Pool(2, { module: String(input["module"]), workers: input["workers"] as "threads" | "processes" })
    yield* pool.mapAsync("sleep", [60, 60, 60, 60], { chunksize: 1 })
    yield* say("pool", { objects: yield* m.numberOfObjects })
    yield* Effect.never
  }),
  hold: Effect.gen(function*() {
    const m = yield* Manager
    for (let i = 0; i < (input["objects"] as number); i++) yield* m.dict({ i })
    const lock = yield* proxy<LockProxy>("lock")
    yield* lock.acquire()
    yield* say("holding", { objects: yield* m.numberOfObjects })
    yield* Effect.never
  })
}

const program = Effect.gen(function*() {
  const run = tasks[task]
  if (run === undefined) throw new Error(`unknown task ${task}`)
  yield* run
}).pipe(
  Effect.scoped,
  Effect.provide(
    Layer.effect(Manager, ManagerClient.make({
      address: input.address,
      authkey: parseAuthkey(process.env["MANAGER_AUTHKEY"] ?? ""),
      types: [GetQueue]
    })).pipe(Layer.provide(NodeTransport.layer))
  )
)

Effect.runPromise(program).then(
  () => process.exit(0),
  (error) => {
    process.stdout.write(`${JSON.stringify({ event: "error", error: String(error?.message ?? error), tag: error?._tag })}\n`)
    process.exit(1)
  }
)
