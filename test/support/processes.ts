/**
 * Child Node processes for tests: spawned with `process.execPath`, their
 * stdout read as JSON lines, killed with SIGKILL if still running when the
 * test's scope closes. `assertNoChildren` proves no test left one behind.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { expect } from "@effect/vitest"
import { Deferred, Duration, Effect, Queue } from "effect"
import { formatAuthkey } from "../../src/layers/process/Authkey.ts"

const children = new Set<ChildProcess>()

/** A running child process. */
export interface Child {
  readonly pid: number
  /** The next line the child printed (JSON-parsed when it is JSON). */
  readonly line: Effect.Effect<any>
  /** Lines until one matches. */
  readonly lineWhere: (predicate: (line: any) => boolean) => Effect.Effect<any>
  /** Every line printed and not yet read, without waiting. */
  readonly drain: Effect.Effect<ReadonlyArray<any>>
  /** The exit code, or the signal that ended it. */
  readonly exit: Effect.Effect<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
  readonly kill: (signal?: NodeJS.Signals) => Effect.Effect<void>
  readonly process: ChildProcess
}

export const workerScript = join(import.meta.dirname, "..", "processes", "worker.ts")
export const binScript = join(import.meta.dirname, "..", "..", "bin", "effect-managers.js")

/** Spawns `node <script> ...args`; the child is killed when the scope closes. */
export const spawnNode = (
  script: string,
  args: ReadonlyArray<string>,
  options: {
    readonly authkey?: Uint8Array
    readonly env?: Record<string, string>
    /** How long the child may print nothing before a `line` fails (default 20 seconds). */
    readonly quietLimit?: Duration.Input
  } = {}
) =>
  Effect.acquireRelease(
    Effect.gen(function*() {
      const lines = yield* Queue.unbounded<any>()
      const exited = yield* Deferred.make<{ code: number | null; signal: NodeJS.Signals | null }>()
      const child = spawn(process.execPath, [script, ...args], {
        env: {
          ...process.env,
          ...(options.authkey !== undefined ? { MANAGER_AUTHKEY: formatAuthkey(options.authkey) } : {}),
          ...options.env
        },
        stdio: ["pipe", "pipe", "inherit"]
      })
      children.add(child)
      createInterface({ input: child.stdout! }).on("line", (line) => {
        let value: unknown = line
        try {
          value = JSON.parse(line)
        } catch {
          // a plain line
        }
        Queue.offerUnsafe(lines, value)
      })
      // 'close', not 'exit': by then every line it printed has been read.
      child.on("close", (code, signal) => Deferred.doneUnsafe(exited, Effect.succeed({ code, signal })))
      const quietLimit = options.quietLimit ?? "20 seconds"
      const take = Queue.take(lines).pipe(Effect.timeoutOrElse({
        duration: quietLimit,
        orElse: () => Effect.die(new Error(`${script} ${args.join(" ")} printed nothing for ${Duration.format(Duration.fromInputUnsafe(quietLimit))}`))
      }))
      const lineWhere = (predicate: (line: any) => boolean): Effect.Effect<any> =>
        Effect.flatMap(take, (line) => (predicate(line) ? Effect.succeed(line) : lineWhere(predicate)))
      const handle: Child = {
        pid: child.pid!,
        line: take,
        lineWhere,
        drain: Queue.takeAll(lines).pipe(Effect.map((chunk) => [...chunk])),
        exit: Deferred.await(exited),
        kill: (signal = "SIGTERM") => Effect.sync(() => void child.kill(signal)),
        process: child
      }
      return handle
    }),
    (child) =>
      Effect.gen(function*() {
        if (child.process.exitCode === null && child.process.signalCode === null) {
          // Ask first, so a server removes its socket file; then insist.
          child.process.kill("SIGTERM")
          const gone = yield* Effect.timeoutOption(child.exit, "2 seconds")
          if (gone._tag === "None") {
            child.process.kill("SIGKILL")
            yield* child.exit
          }
        }
      })
  )

/** A worker process running one task of test/processes/worker.ts. */
export const worker = (task: string, input: Record<string, unknown>, authkey: Uint8Array, quietLimit?: Duration.Input) =>
  spawnNode(workerScript, [task, JSON.stringify(input)], quietLimit === undefined ? { authkey } : { authkey, quietLimit })

/** Every child any test spawned has exited. */
export const assertNoChildren = () => {
  for (const child of children) {
    expect(child.exitCode !== null || child.signalCode !== null).toBe(true)
  }
}

/** Socket files this suite creates, by prefix, in the temp directory. */
export const socketFiles = (prefix = "effect-managers-") =>
  readdirSync(tmpdir()).filter((f) => f.startsWith(prefix) && f.endsWith(".sock"))

/** A fresh Unix socket address in the temp directory. */
export const unixAddress = (name: string) => `unix:${join(tmpdir(), `effect-managers-test-${name}-${process.pid}.sock`)}`

export const assertNoSocket = (address: string) => {
  if (address.startsWith("unix:")) expect(existsSync(address.slice(5))).toBe(false)
}
