/**
 * `npm run bench`: effect-managers beside stock CPython managers and a raw
 * node:net ping-pong, in one run, as ratios. Every figure is the median of
 * `--repeat` runs (default 3), each against a fresh server, ours and
 * CPython's alternating so that drift hits both alike. Every client warms up
 * for BENCH_WARM_SECONDS (default 1) of the same work before it counts, so
 * the figures are the steady state's for ours (a JIT), CPython's and raw's.
 *
 *   npm run bench [-- --json FILE] [--repeat N] [--seconds S] [--only a,b]
 *
 * Sequential metrics are also reported pinned to one core (`taskset -c 0`,
 * server and client alike): on a 2-core VM a cross-core wake-up costs more
 * than the whole call, and pinning shows what the software itself costs.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process"
import { readFileSync, rmSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"

const here = import.meta.dirname
const root = join(here, "..")
const bin = join(root, "bin", "effect-managers.js")
const client = join(here, "client.ts")
const rawScript = join(here, "raw-pingpong.ts")
const pythonBench = join(here, "cpython_managers.py")

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback
}
const repeat = Number(option("repeat", "3"))
const seconds = Number(option("seconds", "1"))
const jsonFile = option("json", "")
const only = option("only", "").split(",").filter((s) => s.length > 0)
const authkey = "bench-key"

// ---------------------------------------------------------------- processes
interface Proc {
  readonly child: ChildProcess
  readonly line: () => Promise<string>
  readonly send: (line: string) => void
  readonly done: Promise<number | null>
}

const start = (command: ReadonlyArray<string>, env: Record<string, string> = {}, pinned = false): Proc => {
  const argv = pinned ? ["taskset", "-c", "0", ...command] : [...command]
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...process.env, MANAGER_AUTHKEY: authkey, ...env },
    stdio: ["pipe", "pipe", "inherit"]
  })
  const queue: Array<string> = []
  const waiting: Array<(l: string) => void> = []
  createInterface({ input: child.stdout! }).on("line", (l) => {
    const w = waiting.shift()
    if (w) w(l)
    else queue.push(l)
  })
  const done = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  return {
    child,
    line: () => {
      const l = queue.shift()
      if (l !== undefined) return Promise.resolve(l)
      return new Promise((resolve, reject) => {
        waiting.push(resolve)
        done.then(() => reject(new Error(`${argv.join(" ")} exited before printing`)))
      })
    },
    send: (l) => child.stdin!.write(`${l}\n`),
    done
  }
}

const stop = async (p: Proc) => {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGTERM")
  await p.done
}

let socketCount = 0
const freshAddress = (transport: "unix" | "tcp") =>
  transport === "unix" ? `unix:${join(tmpdir(), `effect-managers-bench-${process.pid}-${++socketCount}.sock`)}` : "tcp:127.0.0.1:0"

/** Our server, fresh: gives its address and pid. */
const ourServer = async (transport: "unix" | "tcp", pinned = false) => {
  const server = start([process.execPath, bin, "serve", "--address", freshAddress(transport)], {}, pinned)
  const line = await server.line()
  return { server, address: line.slice("listening ".length) }
}

const ourClient = async (task: string, address: string, extra: ReadonlyArray<string> = [], env: Record<string, string> = {}, pinned = false) => {
  const p = start([process.execPath, client, task, address, String(seconds), ...extra], env, pinned)
  return p
}

const json = async (p: Proc): Promise<Record<string, any>> => JSON.parse(await p.line())

const withOurServer = async <A>(transport: "unix" | "tcp", pinned: boolean, f: (address: string, pid: number) => Promise<A>) => {
  const { address, server } = await ourServer(transport, pinned)
  try {
    return await f(address, server.child.pid!)
  } finally {
    await stop(server)
  }
}

const ourSimple = (task: string, transport: "unix" | "tcp" = "unix", pinned = false, extra: ReadonlyArray<string> = []) => () =>
  withOurServer(transport, pinned, async (address) => {
    const c = await ourClient(task, address, extra, {}, pinned)
    const r = await json(c)
    await c.done
    return r
  })

const ourParallel = (n: number) => () =>
  withOurServer("unix", false, async (address) => {
    const cs = await Promise.all(Array.from({ length: n }, () => ourClient("seq", address, ["wait"])))
    for (const c of cs) JSON.parse(await c.line())
    for (const c of cs) c.send("go")
    const rates = await Promise.all(cs.map(async (c) => (await json(c))["rate"] as number))
    await Promise.all(cs.map((c) => c.done))
    return { rate: rates.reduce((a, b) => a + b, 0) }
  })

const ourQueue = (inFlight: number) => () =>
  withOurServer("unix", false, async (address) => {
    const holder = await ourClient("create-queue", address)
    const { token } = await json(holder)
    const count = inFlight > 1 ? 60_000 : 10_000
    const env = { BENCH_COUNT: String(count), BENCH_IN_FLIGHT: String(inFlight) }
    const consumer = await ourClient("consume", address, [JSON.stringify(token)], env)
    const producer = await ourClient("produce", address, [JSON.stringify(token)], env)
    await consumer.line()
    await producer.line()
    consumer.send("go")
    producer.send("go")
    const r = await json(consumer)
    await producer.line()
    holder.send("done")
    await Promise.all([consumer.done, producer.done, holder.done])
    return r
  })

const rssOf = (pid: number) => {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
  return Number(m![1]) * 1024
}

const ourBytesPerObject = () =>
  withOurServer("unix", false, async (address, pid) => {
    const warm = await ourClient("objects", address, ["1000"])
    await json(warm)
    warm.send("done")
    await warm.done
    await new Promise((r) => setTimeout(r, 500))
    const before = rssOf(pid)
    const holder = await ourClient("objects", address, ["100000"])
    await json(holder)
    await new Promise((r) => setTimeout(r, 500))
    const after = rssOf(pid)
    holder.send("done")
    await holder.done
    return { rate: (after - before) / 100_000 }
  })

const python = (test: string, transport = "unix", pinned = false, connect?: string) => async () => {
  const argv = ["python3", pythonBench, test, transport, String(seconds), ...(connect ? ["--connect", connect] : [])]
  const p = start(argv, {}, pinned)
  const r = await json(p)
  await p.done
  return r
}

const pythonAgainstOurs = () =>
  withOurServer("unix", false, (address) => python("seq_setget", "unix", false, address)())

const raw = (transport: "unix" | "tcp", pinned: boolean) => async () => {
  const server = start([process.execPath, rawScript, "server", freshAddress(transport)], {}, pinned)
  const address = (await server.line()).slice("listening ".length)
  const c = start([process.execPath, rawScript, "client", address, String(seconds)], {}, pinned)
  const roundTrips = Number(await c.line())
  await c.done
  await stop(server)
  // One setget pair is two round trips.
  return { rate: roundTrips / 2 }
}

// ---------------------------------------------------------------- metrics
interface Metric {
  readonly name: string
  readonly unit: string
  readonly ours: () => Promise<Record<string, any>>
  readonly cpython: () => Promise<Record<string, any>>
  readonly key?: string
  /** The ratio is cpython/ours (smaller is better for ours). */
  readonly lowerIsBetter?: boolean
  readonly raw?: () => Promise<Record<string, any>>
  readonly note?: string
}

const metrics: ReadonlyArray<Metric> = [
  { name: "seq_setget", unit: "pairs/s", ours: ourSimple("seq"), cpython: python("seq_setget"), raw: raw("unix", false) },
  { name: "seq_setget_tcp", unit: "pairs/s", ours: ourSimple("seq", "tcp"), cpython: python("seq_setget", "tcp"), raw: raw("tcp", false) },
  {
    name: "seq_setget_pinned",
    unit: "pairs/s",
    ours: ourSimple("seq", "unix", true),
    cpython: python("seq_setget", "unix", true),
    raw: raw("unix", true)
  },
  { name: "par4_setget", unit: "pairs/s", ours: ourParallel(4), cpython: python("par4_setget") },
  { name: "par16_setget", unit: "pairs/s", ours: ourParallel(16), cpython: python("par16_setget") },
  {
    name: "concurrent_1conn",
    unit: "calls/s",
    ours: ourSimple("concurrent", "unix", false, ["64"]),
    cpython: python("concurrent_threads"),
    note: "ours: 64 calls in flight on one connection; CPython: 4 threads, one connection each"
  },
  { name: "queue_pairs", unit: "pairs/s", ours: ourQueue(1), cpython: python("queue_pairs") },
  {
    name: "queue_pipelined",
    unit: "pairs/s",
    ours: ourQueue(64),
    cpython: python("queue_pairs"),
    note: "ours: up to 64 puts and 64 gets in flight; CPython cannot pipeline: its sequential figure"
  },
  { name: "create_release", unit: "per s", ours: ourSimple("create-release"), cpython: python("create_release") },
  { name: "create_release_tcp", unit: "per s", ours: ourSimple("create-release", "tcp"), cpython: python("create_release", "tcp") },
  { name: "lock_pairs", unit: "pairs/s", ours: ourSimple("lock"), cpython: python("lock_pairs") },
  { name: "latency_p50", unit: "µs", key: "p50", lowerIsBetter: true, ours: ourSimple("latency"), cpython: python("latency") },
  { name: "latency_p99", unit: "µs", key: "p99", lowerIsBetter: true, ours: ourSimple("latency"), cpython: python("latency") },
  { name: "latency_p999", unit: "µs", key: "p999", lowerIsBetter: true, ours: ourSimple("latency"), cpython: python("latency") },
  { name: "bytes_per_object", unit: "bytes", lowerIsBetter: true, ours: ourBytesPerObject, cpython: python("bytes_per_object") },
  { name: "get_1KiB", unit: "MB/s", ours: ourSimple("get-size", "unix", false, [String(1 << 10)]), cpython: python("get_1KiB") },
  { name: "get_1MiB", unit: "MB/s", ours: ourSimple("get-size", "unix", false, [String(1 << 20)]), cpython: python("get_1MiB") },
  { name: "get_16MiB", unit: "MB/s", ours: ourSimple("get-size", "unix", false, [String(16 << 20)]), cpython: python("get_16MiB") },
  {
    name: "pool_map_cpu",
    unit: "tasks/s",
    ours: ourSimple("pool-map", "unix", false, ["cpu"]),
    cpython: python("pool_map_cpu"),
    note: "Pool(2).map of primes below 5000 (the same trial division in each language) over 64 inputs"
  },
  {
    name: "pool_map_small",
    unit: "tasks/s",
    ours: ourSimple("pool-map", "unix", false, ["small"]),
    cpython: python("pool_map_small"),
    note: "Pool(2).map of x*x over 1,000 inputs: what the pool itself costs"
  },
  {
    name: "cpython_client_seq_setget",
    unit: "pairs/s",
    ours: pythonAgainstOurs,
    cpython: python("seq_setget"),
    note: "a stock CPython client against our server, and against CPython's"
  }
]

const median = (xs: ReadonlyArray<number>) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

const env = () => {
  const version = (cmd: string, a: ReadonlyArray<string>) => {
    try {
      return execFileSync(cmd, a, { encoding: "utf8" }).trim()
    } catch {
      return "missing"
    }
  }
  return {
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    node: process.version,
    python: version("python3", ["--version"]),
    repeat,
    seconds
  }
}

const format = (v: number | undefined) =>
  v === undefined ? "-" : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)

const main = async () => {
  const info = env()
  console.error(`bench: ${info.cpu}, ${info.cores} cores, node ${info.node}, ${info.python}, ${repeat} repetitions of ${seconds}s`)
  const rows: Array<Record<string, unknown>> = []
  const rawCache = new Map<Metric["raw"], Array<number>>()
  for (const m of metrics) {
    if (only.length > 0 && !only.includes(m.name)) continue
    const key = m.key ?? "rate"
    const ours: Array<number> = []
    const theirs: Array<number> = []
    const raws: Array<number> = []
    for (let i = 0; i < repeat; i++) {
      console.error(`  ${m.name} ${i + 1}/${repeat}`)
      ours.push((await m.ours())[key] as number)
      theirs.push((await m.cpython())[key] as number)
      if (m.raw !== undefined) raws.push((await m.raw())["rate"] as number)
    }
    rawCache.set(m.raw, raws)
    const o = median(ours)
    const c = median(theirs)
    const r = raws.length > 0 ? median(raws) : undefined
    rows.push({
      metric: m.name,
      unit: m.unit,
      ours: o,
      cpython: c,
      ratio: m.lowerIsBetter === true ? c / o : o / c,
      raw_pingpong: r ?? null,
      ours_vs_raw: r === undefined ? null : o / r,
      runs: { ours, cpython: theirs, raw: raws },
      ...(m.note !== undefined ? { note: m.note } : {})
    })
  }
  const header = "| metric | unit | ours | CPython | ratio | raw ping-pong | ours/raw |"
  console.log(header)
  console.log("|---|---|---:|---:|---:|---:|---:|")
  for (const r of rows) {
    console.log(
      `| ${r["metric"]} | ${r["unit"]} | ${format(r["ours"] as number)} | ${format(r["cpython"] as number)} | ${format(r["ratio"] as number)}× | ${format((r["raw_pingpong"] as number | null) ?? undefined)} | ${r["ours_vs_raw"] === null ? "-" : format(r["ours_vs_raw"] as number)} |`
    )
  }
  console.log(`\n${info.date.slice(0, 10)} · ${info.cpu} · ${info.cores} cores · node ${info.node} · ${info.python} · median of ${repeat}`)
  if (jsonFile !== "") writeFileSync(jsonFile, JSON.stringify({ env: info, rows }, null, 2))
  for (let i = 1; i <= socketCount; i++) rmSync(join(tmpdir(), `effect-managers-bench-${process.pid}-${i}.sock`), { force: true })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
