/**
 * A Pool's workers, as one small interface over the two kinds Node has: a
 * worker thread of the server, or a child process of it (its own heap and
 * event loop, and `process.exit` ends only it). Either way a worker is told
 * messages, tells its own, can be stopped at once (a busy one too), and
 * reports once how it ended.
 *
 * Node's own `worker_threads` and `child_process`, not Effect's worker
 * modules: those ask a worker to close and wait up to five seconds before
 * terminating it (terminate must be prompt with tasks running), and load an
 * Effect runtime into every worker (two workers ready in ~210 ms, against
 * ~35 ms for a bare one, measured here).
 *
 * @since 0.1.0
 */
import { type ChildProcess, fork } from "node:child_process"
import { Worker } from "node:worker_threads"
import type { FromWorker, ToWorker } from "./WorkerProtocol.ts"

/** Where a Pool runs its tasks. @category models @since 0.1.0 */
export type WorkerKind = "threads" | "processes"

/** One worker. @category models @since 0.1.0 */
export interface WorkerHandle {
  /** Sends a message; throws when it cannot be cloned. */
  readonly post: (message: ToWorker) => void
  /** Stops the worker now, whatever it is doing; resolves once it has exited. */
  readonly stop: () => Promise<void>
}

/** What a worker reports. @category models @since 0.1.0 */
export interface WorkerEvents {
  readonly onMessage: (message: FromWorker) => void
  /** Told once, however the worker ended: its exit code (null after a signal) and why. */
  readonly onExit: (exitCode: number | null, reason: string) => void
}

// The worker's program: the build's JavaScript when this module is, the sources in a checkout.
const script = new URL(import.meta.url.endsWith(".ts") ? "./PoolWorker.ts" : "./PoolWorker.js", import.meta.url)

const describeThrown = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : `threw ${typeof e} ${String(e)}`)

const thread = (events: WorkerEvents): WorkerHandle => {
  const worker = new Worker(script)
  let failure: string | undefined
  const exited = new Promise<void>((resolve) => {
    worker.on("error", (e) => {
      failure ??= `uncaught ${describeThrown(e)}`
    })
    worker.on("messageerror", (e) => {
      failure ??= `a message could not be read: ${describeThrown(e)}`
    })
    worker.on("exit", (code) => {
      events.onExit(code, failure ?? `exited with code ${code}`)
      resolve()
    })
  })
  worker.on("message", (m) => events.onMessage(m as FromWorker))
  return {
    post: (message) => worker.postMessage(message),
    stop: () => worker.terminate().then(() => exited)
  }
}

const processWorker = (events: WorkerEvents): WorkerHandle => {
  const child: ChildProcess = fork(script, [], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    // The server's own flags (a test runner's loader, an inspector) are not the worker's.
    execArgv: []
  })
  let failure: string | undefined
  let done = false
  const exited = new Promise<void>((resolve) => {
    const end = (code: number | null, reason: string) => {
      if (done) return
      done = true
      events.onExit(code, reason)
      resolve()
    }
    child.on("error", (e) => {
      failure ??= describeThrown(e)
      if (child.pid === undefined) end(null, `could not start: ${failure}`)
    })
    child.on("exit", (code, signal) => end(code, failure ?? (signal !== null ? `killed by ${signal}` : `exited with code ${code}`)))
  })
  child.on("message", (m) => events.onMessage(m as FromWorker))
  return {
    post: (message) => {
      child.send(message)
    },
    stop: () => {
      if (!done) child.kill("SIGKILL")
      return exited
    }
  }
}

/**
 * Starts a worker of `kind`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const spawnWorker = (kind: WorkerKind, events: WorkerEvents): WorkerHandle =>
  kind === "threads" ? thread(events) : processWorker(events)
