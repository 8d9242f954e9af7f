/**
 * The demo `npm start` runs: an in-process manager serves a dict, a Queue and
 * a Lock; a producer fiber fills the Queue, three worker fibers take jobs,
 * count them in the dict under the Lock, and the main fiber waits for them
 * all with join().
 */
import { Console, Effect, Fiber } from "effect"
import { InProcessManager, Manager } from "../src/index.ts"

const program = Effect.gen(function*() {
  const manager = yield* Manager
  const jobs = yield* manager.JoinableQueue<string | null>({ maxsize: 4 })
  const done = yield* manager.dict<string, number>()
  const lock = yield* manager.Lock()
  yield* Console.log(`manager at ${manager.address}, session ${manager.session.slice(0, 8)}`)

  const worker = (name: string) =>
    Effect.gen(function*() {
      while (true) {
        const job = yield* jobs.get()
        if (job === null) {
          yield* jobs.taskDone()
          return
        }
        yield* Effect.sleep(`${5 + Math.floor(Math.random() * 20)} millis`)
        // Read-modify-write of a shared counter: the Lock makes it exact.
        yield* lock.withLock(Effect.gen(function*() {
          const n = yield* done.getOrElse(name, 0)
          yield* done.set(name, n + 1)
        }))
        yield* Console.log(`  ${name} finished ${job}`)
        yield* jobs.taskDone()
      }
    })

  const workers = yield* Effect.forEach(["ada", "grace", "linus"], (name) => Effect.forkChild(worker(name)))
  for (let i = 1; i <= 12; i++) {
    yield* jobs.put(`job ${i}`)
    yield* Console.log(`producer queued job ${i} (queue holds ${yield* jobs.qsize()})`)
  }
  for (const _ of workers) yield* jobs.put(null)
  yield* jobs.join()
  yield* Fiber.joinAll(workers)

  const counts = yield* done.items()
  yield* Console.log(`done per worker: ${counts.map(([name, n]) => `${name}=${n}`).join(", ")}`)
  yield* Console.log(`total ${counts.reduce((sum, [, n]) => sum + n, 0)} of 12 jobs`)
  yield* Console.log(`live objects on the manager: ${yield* manager.numberOfObjects}`)
})

Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(InProcessManager.layer()))).then(
  () => console.log("scope closed: every proxy released, manager shut down"),
  (error) => {
    console.error(error)
    process.exitCode = 1
  }
)
