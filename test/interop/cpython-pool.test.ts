/**
 * Stock CPython clients (3.11, 3.12, 3.13) and the Pool of our server
 * started by `effect-managers serve`: `m.Pool()` gets a clear error saying
 * why (it would send Python functions), and a Pool made with `module=`
 * runs that module's functions by name, with CPython's AsyncResult,
 * iterators, TimeoutError, callbacks and errors.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { assertNoChildren, binScript, spawnNode, unixAddress } from "../support/processes.ts"
import { pythons, spawnPython } from "../support/python.ts"
import { workerThreads } from "../pool/support.ts"

const authkey = new TextEncoder().encode("python pool key")
const script = new URL("../python/pool_client.py", import.meta.url).pathname
const tasks = new URL("../pool/tasks.ts", import.meta.url).pathname

afterAll(() => assertNoChildren())

describe.each(pythons)("CPython $version's Pool on our server", (python) => {
  it.live("m.Pool() is refused saying why; m.Pool(2, module=...) runs functions by name; everything is released", () =>
    Effect.gen(function*() {
      const server = yield* spawnNode(binScript, ["serve", "--address", unixAddress(`pool-${python.version}`)], { authkey })
      const address = String(yield* server.line).slice("listening ".length)
      const client = yield* spawnPython(python, [script, address, tasks], authkey)
      const lines: Array<string> = []
      while (true) {
        const line = yield* client.line
        lines.push(line)
        if (line === "done" || line.startsWith("FAIL")) break
      }
      expect(lines.filter((l) => !l.startsWith("ok "))).toEqual(["done"])
      expect(lines.length).toBeGreaterThan(20)
      expect((yield* client.exit).code).toBe(0)
      // The server's worker threads went with the pools.
      expect(workerThreads(server.pid)).toBe(0)
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped))
})
