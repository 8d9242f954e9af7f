/**
 * What the Pool tests share: the task module (as its path and its type), and
 * how they see the workers a Pool leaves behind: Node names each worker
 * thread `WorkerThread` in /proc, and a worker process is gone when its pid
 * answers no signal.
 */
import { readdirSync, readFileSync } from "node:fs"
import { Effect } from "effect"

export type Tasks = typeof import("./tasks.ts")
export type EffectTasks = typeof import("./effect-tasks.ts")

/** The task modules, as paths relative to the working directory (the repository's root when tests run). */
export const tasksModule = "./test/pool/tasks.ts"
export const effectTasksModule = "./test/pool/effect-tasks.ts"

/** How many worker threads a process (default: this one) has now. */
export const workerThreads = (pid: number | "self" = "self"): number =>
  readdirSync(`/proc/${pid}/task`).filter((t) => {
    try {
      return readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim() === "WorkerThread"
    } catch {
      return false
    }
  }).length

/** The Pool worker processes a process (default: this one) has now. */
export const workerProcesses = (parent: number = process.pid): Array<number> =>
  readdirSync("/proc").filter((p) => /^\d+$/.test(p)).flatMap((p) => {
    try {
      const [, rest] = readFileSync(`/proc/${p}/stat`, "utf8").split(") ")
      const [state, ppid] = (rest ?? "").split(" ")
      if (state === "Z" || Number(ppid) !== parent) return []
      return readFileSync(`/proc/${p}/cmdline`, "utf8").includes("PoolWorker") ? [Number(p)] : []
    } catch {
      return []
    }
  })

/** Whether a process is alive (a zombie has exited). */
export const alive = (pid: number): boolean => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0]
    return state !== undefined && state !== "Z"
  } catch {
    return false
  }
}

/** Polls `check` until it holds (a worker's exit is reported asynchronously); gives its last answer. */
export const eventually = (check: () => boolean, millis = 5_000): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const deadline = Date.now() + millis
    while (!check() && Date.now() < deadline) yield* Effect.sleep("20 millis")
    return check()
  })
