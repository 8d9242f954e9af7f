/**
 * One benchmark client process: connects to the manager at ADDRESS (key in
 * MANAGER_AUTHKEY), runs one task, and prints its figure as a JSON line.
 * Tasks that run alongside others print {"ready": true} and wait for a line
 * on stdin before they start, so that all start together.
 *
 *   node client.ts TASK ADDRESS SECONDS [ARG]
 */
import { createInterface } from "node:readline"
import { Effect } from "effect"
import { parseAuthkey } from "../src/layers/process/Authkey.ts"
import { Token } from "../src/domain/Token.ts"
import * as ManagerClient from "../src/layers/ManagerClient.ts"
import * as NodeTransport from "../src/layers/NodeTransport.ts"
import type { QueueProxy } from "../src/proxy/QueueProxy.ts"
import type { ManagerShape } from "../src/proxy/Manager.ts"

const [task, address, secondsText, arg] = process.argv.slice(2) as [string, string, string, string?]
const poolTasks = new URL("./pool_tasks.ts", import.meta.url).pathname
const seconds = Number(secondsText)
const out = (value: Record<string, unknown>) => Effect.sync(() => process.stdout.write(`${JSON.stringify(value)}\n`))
const lines = createInterface({ input: process.stdin })
const nextLine = Effect.callback<string>((resume) => {
  lines.once("line", (l) => resume(Effect.succeed(l)))
})
const ready = Effect.andThen(out({ ready: true }), nextLine)

/**
 * A JIT settles over tens of thousands of calls (CPython's interpreter needs
 * none): every figure here is the steady state's, after `warmSeconds` of the
 * same work uncounted. The CPython and raw benchmarks warm up alike.
 */
const warmSeconds = Number(process.env["BENCH_WARM_SECONDS"] ?? 1)
const warmUp = <E>(step: Effect.Effect<unknown, E>) =>
  Effect.gen(function*() {
    const deadline = performance.now() + warmSeconds * 1000
    while (performance.now() < deadline) for (let i = 0; i < 16; i++) yield* step
  })

/** Runs `step` (which does `per` operations) until `seconds` pass; operations per second. */
const rate = <E>(step: Effect.Effect<unknown, E>, per: number) =>
  Effect.gen(function*() {
    const start = performance.now()
    const deadline = start + seconds * 1000
    let n = 0
    while (true) {
      for (let i = 0; i < 16; i++) yield* step
      n += 16 * per
      const now = performance.now()
      if (now >= deadline) return (n * 1000) / (now - start)
    }
  })

const tasks: Record<string, (m: ManagerShape) => Effect.Effect<void, unknown, import("effect").Scope.Scope>> = {
  seq: (m) =>
    Effect.gen(function*() {
      const d = yield* m.dict<string, string>()
      const pair = Effect.andThen(d.set("k", "v"), d.getItem("k"))
      yield* warmUp(pair)
      if (arg === "wait") yield* ready
      yield* out({ rate: yield* rate(pair, 1) })
    }),
  concurrent: (m) =>
    Effect.gen(function*() {
      const d = yield* m.dict<string, string>({ k: "v" })
      for (let i = 0; i < 2000; i++) yield* d.getItem("k")
      const inFlight = Number(arg ?? 64)
      const start = performance.now()
      const deadline = start + seconds * 1000
      let n = 0
      yield* Effect.forEach(Array.from({ length: inFlight }), () =>
        Effect.gen(function*() {
          while (performance.now() < deadline) {
            yield* d.getItem("k")
            n++
          }
        }), { concurrency: "unbounded", discard: true })
      yield* out({ rate: (n * 1000) / (performance.now() - start) })
    }),
  "create-queue": (m) =>
    Effect.gen(function*() {
      const q = yield* m.Queue<number>()
      yield* out({ token: q.token })
      yield* nextLine
    }),
  produce: (m) =>
    Effect.gen(function*() {
      const q = (yield* m.proxy(Token.fromJSON(JSON.parse(arg!)))) as QueueProxy<number>
      const count = Number(process.env["BENCH_COUNT"])
      const inFlight = Number(process.env["BENCH_IN_FLIGHT"] ?? 1)
      yield* ready
      if (inFlight === 1) for (let i = 0; i < count; i++) yield* q.put(i)
      else yield* Effect.forEach(Array.from({ length: count }, (_, i) => i), (i) => q.put(i), { concurrency: inFlight, discard: true })
      yield* out({ done: true })
    }),
  consume: (m) =>
    Effect.gen(function*() {
      const q = (yield* m.proxy(Token.fromJSON(JSON.parse(arg!)))) as QueueProxy<number>
      const count = Number(process.env["BENCH_COUNT"])
      const inFlight = Number(process.env["BENCH_IN_FLIGHT"] ?? 1)
      yield* ready
      const start = performance.now()
      if (inFlight === 1) for (let i = 0; i < count; i++) yield* q.get()
      else yield* Effect.forEach(Array.from({ length: count }), () => q.get(), { concurrency: inFlight, discard: true })
      yield* out({ rate: (count * 1000) / (performance.now() - start) })
    }),
  "create-release": (m) =>
    Effect.gen(function*() {
      const once = Effect.scoped(m.dict())
      yield* warmUp(once)
      yield* out({ rate: yield* rate(once, 1) })
    }),
  lock: (m) =>
    Effect.gen(function*() {
      const lock = yield* m.Lock()
      const pair = Effect.andThen(lock.acquire(), lock.release())
      yield* warmUp(pair)
      yield* out({ rate: yield* rate(pair, 1) })
    }),
  latency: (m) =>
    Effect.gen(function*() {
      const d = yield* m.dict<string, string>({ k: "v" })
      yield* warmUp(d.getItem("k"))
      const samples = new Float64Array(20_000)
      for (let i = 0; i < samples.length; i++) {
        const t = process.hrtime.bigint()
        yield* d.getItem("k")
        samples[i] = Number(process.hrtime.bigint() - t) / 1000
      }
      samples.sort()
      const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!
      yield* out({ p50: q(0.5), p99: q(0.99), p999: q(0.999) })
    }),
  objects: (m) =>
    Effect.gen(function*() {
      const count = Number(arg)
      yield* Effect.forEach(Array.from({ length: count }), () => m.dict({ a: 1 }), { concurrency: 64, discard: true })
      yield* out({ held: yield* m.numberOfObjects })
      yield* nextLine
    }),
  // A Pool of 2 workers mapping the same function over the same inputs as CPython's: tasks per second.
  "pool-map": (m) =>
    Effect.gen(function*() {
      const pool = yield* m.Pool<typeof import("./pool_tasks.ts")>(2, { module: poolTasks })
      const [fn, inputs] = arg === "cpu"
        ? ["primesBelow", Array.from({ length: 64 }, () => 5000)] as const
        : ["square", Array.from({ length: 1000 }, (_, i) => i)] as const
      const batch = pool.map(fn, inputs)
      if ((yield* batch)[1] !== (arg === "cpu" ? 669 : 1)) throw new Error("a wrong result")
      yield* warmUp(batch)
      yield* out({ rate: yield* rate(batch, inputs.length) })
    }),
  "get-size": (m) =>
    Effect.gen(function*() {
      const size = Number(arg)
      const d = yield* m.dict<string, Uint8Array>()
      yield* d.set("b", new Uint8Array(size).fill(120))
      yield* d.getItem("b")
      const start = performance.now()
      let n = 0
      while (true) {
        const v = yield* d.getItem("b")
        if (v.length !== size) throw new Error("short value")
        n++
        if (performance.now() - start >= seconds * 1000 && n >= 3) break
      }
      yield* out({ rate: (n * size) / ((performance.now() - start) / 1000) / 1e6 })
    })
}

const program = Effect.gen(function*() {
  const m = yield* ManagerClient.make({ address, authkey: parseAuthkey(process.env["MANAGER_AUTHKEY"] ?? "") })
  yield* tasks[task]!(m)
}).pipe(Effect.scoped, Effect.provide(NodeTransport.layer))

Effect.runPromise(program).then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
