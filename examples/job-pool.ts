/**
 * A job pool across processes: this process starts a manager in a child
 * process, fills a JoinableQueue with jobs, and starts three worker
 * processes (this same file, with `worker` as argument) that take jobs,
 * put results in a shared dict, and mark them done.
 *
 *   npx node examples/job-pool.ts
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Console, Effect, Layer } from "effect"
import { ManagerClient, NodeTransport, StartedManager, Token, type DictProxy, type QueueProxy } from "../src/index.ts"
import { formatAuthkey, parseAuthkey } from "../src/layers/process/Authkey.ts"

const self = fileURLToPath(import.meta.url)

const runWorker = (name: string, address: string, jobs: Token, results: Token) =>
  Effect.gen(function*() {
    const manager = yield* ManagerClient.make({ address, authkey: parseAuthkey(process.env["MANAGER_AUTHKEY"]!) })
    const queue = (yield* manager.proxy(jobs)) as QueueProxy<number | null>
    const done = (yield* manager.proxy(results)) as DictProxy<number, string>
    while (true) {
      const n = yield* queue.get()
      if (n === null) break
      // The "work": find the n-th prime, slowly on purpose.
      let count = 0
      let p = 1
      while (count < n) {
        p++
        let prime = true
        for (let d = 2; d * d <= p; d++) if (p % d === 0) prime = false
        if (prime) count++
      }
      yield* done.set(n, `${p} (by ${name}, pid ${process.pid})`)
      yield* queue.taskDone()
    }
  }).pipe(Effect.scoped, Effect.provide(NodeTransport.layer))

const main = Effect.gen(function*() {
  const managerProcess = yield* StartedManager.make()
  const manager = yield* managerProcess.start
  yield* Console.log(`manager process ${managerProcess.pid()} at ${managerProcess.address()}`)
  const jobs = yield* manager.JoinableQueue<number | null>()
  const results = yield* manager.dict<number, string>()
  const workers = ["w1", "w2", "w3"].map((name) =>
    spawn(process.execPath, [self, "worker", name, managerProcess.address()!, JSON.stringify(jobs.token), JSON.stringify(results.token)], {
      env: { ...process.env, MANAGER_AUTHKEY: formatAuthkey(managerProcess.authkey) },
      stdio: "inherit"
    })
  )
  for (let n = 20_000; n <= 42_000; n += 2_000) yield* jobs.put(n)
  yield* jobs.join()
  for (const _ of workers) yield* jobs.put(null)
  for (const [n, answer] of yield* results.items()) yield* Console.log(`prime #${n} = ${answer}`)
  yield* Effect.forEach(workers, (w) => Effect.callback<void>((resume) => {
    if (w.exitCode !== null) return resume(Effect.void)
    w.once("exit", () => resume(Effect.void))
  }))
  const stopped = yield* managerProcess.shutdown
  yield* Console.log(`manager stopped, exit code ${stopped.exitCode}`)
}).pipe(Effect.scoped, Effect.provide(Layer.mergeAll(StartedManager.services)))

if (process.argv[2] === "worker") {
  const [, , , name, address, jobs, results] = process.argv as Array<string>
  Effect.runPromise(runWorker(name!, address!, Token.fromJSON(JSON.parse(jobs!)), Token.fromJSON(JSON.parse(results!))))
} else {
  Effect.runPromise(main)
}
