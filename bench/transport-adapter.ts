/**
 * The generic adapter for Effect sockets (SocketConnection) against the
 * `net.Socket` fast path (NodeTransport), on a Unix socket, at the
 * Connection level: an echo server, 56-byte frames, sequential round trips
 * and 64 calls in flight on one connection. Server and client share this
 * process, so each figure is what both ends cost together. Variants run
 * alternately; every figure is the median of the repetitions.
 *
 *   npx node bench/transport-adapter.ts [--seconds S] [--repeat N]
 */
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as NodeSocket from "@effect/platform-node/NodeSocket"
import * as NodeSocketServer from "@effect/platform-node/NodeSocketServer"
import { Effect, Fiber, type Scope } from "effect"
import * as NodeTransport from "../src/layers/NodeTransport.ts"
import * as SocketConnection from "../src/layers/SocketConnection.ts"
import type { Connection, Listener, Medium } from "../src/services/Transport.ts"

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback
}
const seconds = Number(option("seconds", "2"))
const repeat = Number(option("repeat", "5"))
const payload = new Uint8Array(56).fill(7)

interface Variant {
  readonly name: string
  readonly listen: (path: string) => Effect.Effect<Listener, unknown, Scope.Scope>
  readonly connect: (path: string) => Effect.Effect<Connection, unknown, Scope.Scope>
}

const node = Effect.runSync(NodeTransport.medium) as Medium
const genericListen = (path: string) =>
  Effect.flatMap(NodeSocketServer.make({ path }), (server) => SocketConnection.fromServer(server, { address: `unix:${path}` }))
const genericConnect = (path: string) =>
  Effect.flatMap(NodeSocket.makeNet({ path }), (socket) => SocketConnection.fromSocket(socket, { peer: `unix:${path}` }))

const variants: ReadonlyArray<Variant> = [
  { name: "net fast path, both ends", listen: (p) => node.listen(`unix:${p}`), connect: (p) => node.connect(`unix:${p}`) },
  { name: "generic adapter server, fast client", listen: genericListen, connect: (p) => node.connect(`unix:${p}`) },
  { name: "generic adapter, both ends", listen: genericListen, connect: genericConnect }
]

/** Calls over one connection: each sends a frame and waits for its echo, in order. */
const caller = (connection: Connection) =>
  Effect.gen(function*() {
    const waiting: Array<() => void> = []
    yield* Effect.forkScoped(connection.run(() => waiting.shift()!()))
    return Effect.callback<void>((resume) => {
      waiting.push(() => resume(Effect.void))
      connection.sendUnsafe(payload)
    })
  })

const measure = (variant: Variant, round: number) =>
  Effect.gen(function*() {
    const path = join(tmpdir(), `effect-managers-bench-adapter-${process.pid}-${round}.sock`)
    const listener = yield* variant.listen(path)
    yield* Effect.forkScoped(Effect.forever(Effect.flatMap(listener.accept, (c) =>
      Effect.forkScoped(c.run((p) => c.sendUnsafe(p)))
    )))
    const call = yield* caller(yield* variant.connect(path))
    const rate = (inFlight: number) =>
      Effect.gen(function*() {
        // A warm-up of the same work first, so the JIT has settled.
        for (const counting of [false, true]) {
          let calls = 0
          const until = Date.now() + (counting ? seconds : 0.5) * 1000
          const worker = Effect.gen(function*() {
            while (Date.now() < until) {
              for (let i = 0; i < 50; i++) yield* call
              calls += 50
            }
          })
          const started = Date.now()
          yield* Fiber.joinAll(yield* Effect.forEach(Array.from({ length: inFlight }), () => Effect.forkChild(worker)))
          if (counting) return calls / ((Date.now() - started) / 1000)
        }
        return 0
      })
    return { sequential: yield* rate(1), inFlight64: yield* rate(64) }
  }).pipe(Effect.scoped)

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const main = Effect.gen(function*() {
  const results = new Map<string, { sequential: Array<number>; inFlight64: Array<number> }>()
  for (let r = 0; r < repeat; r++) {
    for (const [i, v] of variants.entries()) {
      const m = yield* measure(v, r * variants.length + i)
      const entry = results.get(v.name) ?? { sequential: [], inFlight64: [] }
      entry.sequential.push(m.sequential)
      entry.inFlight64.push(m.inFlight64)
      results.set(v.name, entry)
      console.error(`  ${v.name} ${r + 1}/${repeat}`)
    }
  }
  console.log(`node ${process.version}, ${repeat} × ${seconds}s, medians, calls/s (one process, Unix socket)`)
  console.log(`${"variant".padEnd(40)}${"sequential".padStart(20)}${"64 in flight".padStart(20)}`)
  const base = results.get(variants[0]!.name)!
  for (const v of variants) {
    const e = results.get(v.name)!
    const seq = median(e.sequential)
    const par = median(e.inFlight64)
    const ratio = (x: number, b: number) => `${Math.round(x).toLocaleString("en")} (${(x / b).toFixed(2)})`
    console.log(`${v.name.padEnd(40)}${ratio(seq, median(base.sequential)).padStart(20)}${ratio(par, median(base.inFlight64)).padStart(20)}`)
  }
})

Effect.runPromise(main).catch((e) => {
  console.error(e)
  process.exit(1)
})
