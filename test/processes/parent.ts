/**
 * A parent that starts a manager process, prints its pid, and waits: the
 * test kills this parent with SIGKILL and checks the manager goes too.
 */
import { Effect } from "effect"
import * as StartedManager from "../../src/layers/StartedManager.ts"

Effect.runFork(Effect.gen(function*() {
  const manager = yield* StartedManager.make()
  yield* manager.start
  process.stdout.write(`${JSON.stringify({ event: "started", pid: manager.pid(), address: manager.address() })}\n`)
  yield* Effect.never
}).pipe(Effect.scoped, Effect.provide(StartedManager.services)))
