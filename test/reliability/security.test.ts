/**
 * The authkey stays secret: never in a process's argv, in what the server
 * prints, in debugInfo, in `inspect`'s table, or in any error message.
 */
import { readFileSync } from "node:fs"
import { afterAll, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { formatAuthkey } from "../../src/layers/process/Authkey.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as StartedManager from "../../src/layers/StartedManager.ts"
import { assertNoChildren, binScript, spawnNode, unixAddress } from "../support/processes.ts"

const secret = "correct horse battery staple"
const authkey = new TextEncoder().encode(secret)
const forms = [secret, formatAuthkey(authkey), Buffer.from(authkey).toString("base64")]
const argvOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")
const expectNoKey = (text: string) => {
  for (const form of forms) expect(text).not.toContain(form)
}

afterAll(() => assertNoChildren())

it.live("the authkey appears in no argv, output, debugInfo, table or error message", () =>
  Effect.gen(function*() {
    const server = yield* spawnNode(binScript, ["serve", "--address", unixAddress("secret")], { authkey })
    const listening = String(yield* server.line)
    const address = listening.slice("listening ".length)
    expectNoKey(argvOf(server.pid))
    expectNoKey(listening)
    yield* Effect.scoped(Effect.gen(function*() {
      const m = yield* ManagerClient.make({ address, authkey })
      yield* m.dict({ a: 1 })
      expectNoKey(JSON.stringify(yield* m.debugInfo))
      const inspect = yield* spawnNode(binScript, ["inspect", "--address", address], { authkey })
      expectNoKey(argvOf(inspect.pid))
      const table = [yield* inspect.line, yield* inspect.line, yield* inspect.line].join("\n")
      expect(table).toContain("dict")
      expectNoKey(table)
      // A client with a wrong key, and one with none of the server's: their errors name no key.
      for (const wrong of [new TextEncoder().encode("not the key"), new Uint8Array()]) {
        const error = yield* Effect.flip(Effect.scoped(ManagerClient.make({ address, authkey: wrong })))
        expect(error._tag).toBe("AuthenticationError")
        expectNoKey(`${error.message} ${JSON.stringify(error)} ${String(error)}`)
        expect(`${error.message}`).not.toContain("not the key")
      }
    }).pipe(Effect.provide(NodeTransport.layer)))
    // A started manager gets its key through the environment, not its command line.
    yield* Effect.scoped(Effect.gen(function*() {
      const started = yield* StartedManager.make({ authkey })
      yield* started.start
      expectNoKey(argvOf(started.pid()!))
    }).pipe(Effect.provide(StartedManager.services)))
    yield* server.kill("SIGTERM")
    yield* server.exit
  }).pipe(Effect.scoped))
