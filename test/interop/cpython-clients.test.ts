/**
 * Stock CPython clients (3.11, 3.12, 3.13, no package of ours) against our
 * server started by `effect-managers serve`: every SyncManager type, errors,
 * nested proxies, a wrong key, the remote-manager pattern, objects shared
 * across dialects, and a Python producer feeding a Node consumer.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import type { DictProxy } from "../../src/proxy/DictProxy.ts"
import * as Registry from "../../src/services/Registry.ts"
import { assertNoChildren, binScript, spawnNode, unixAddress } from "../support/processes.ts"
import { pythons, spawnPython } from "../support/python.ts"

const authkey = new TextEncoder().encode("python key")
const script = (name: string) => new URL(`../python/${name}`, import.meta.url).pathname
const registryModule = new URL("../processes/queue-registry.ts", import.meta.url).pathname
const GetQueue = Registry.alias("get_queue", SyncManagerTypes.types.Queue)

const serve = (address: string) =>
  Effect.gen(function*() {
    const server = yield* spawnNode(binScript, ["serve", "--address", address, "--registry", `${registryModule}#types`], { authkey })
    const line = String(yield* server.line)
    expect(line).toMatch(/^listening /)
    return { server, address: line.slice("listening ".length) }
  })

/** Runs a Python script to its end; every line must be `ok ...` until `done`. */
const runPython = (python: (typeof pythons)[number], args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const p = yield* spawnPython(python, args, authkey)
    const lines: Array<string> = []
    while (true) {
      const line = yield* p.line
      lines.push(line)
      if (line === "done" || line.startsWith("FAIL")) break
    }
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([])
    expect((yield* p.exit).code).toBe(0)
    return lines
  })

afterAll(() => assertNoChildren())

describe.each(pythons)("CPython $version clients against our server", (python) => {
  it.live("SyncManager(address, authkey).connect(): every type, errors, nested proxies, objects back to 0", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(unixAddress(`py-${python.version}`))
      const lines = yield* runPython(python, [script("sync_types.py"), address])
      expect(lines.length).toBeGreaterThan(40)
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped))

  it.live("BaseManager.register('get_queue') then connect(), from two processes; a wrong key is refused", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(python.version === "3.12" ? "tcp:127.0.0.1:0" : unixAddress(`rq-${python.version}`))
      yield* runPython(python, [script("wrong_key.py"), address])
      const putter = yield* spawnPython(python, ["-u", script("remote_queue.py"), address, "put"], authkey)
      expect(yield* putter.line).toBe("put")
      yield* runPython(python, [script("remote_queue.py"), address, "get"])
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped))

  it.live("serializer='xmlrpclib' (CPython's own remote-manager test): tuples arrive as lists", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve("tcp:127.0.0.1:0")
      const putter = yield* spawnPython(python, ["-u", script("remote_queue.py"), address, "put", "xmlrpclib"], authkey)
      expect(yield* putter.line).toBe("put")
      yield* runPython(python, [script("remote_queue.py"), address, "get", "xmlrpclib"])
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped))
})

describe("across dialects", () => {
  it.live("a Python producer and a Node consumer on one Queue: 10,000 items, none lost or duplicated, in order", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(unixAddress("mixed"))
      yield* Effect.scoped(Effect.gen(function*() {
        const m = yield* ManagerClient.make({ address, authkey, types: [GetQueue] })
        const queue = yield* m.create(GetQueue)
        const producer = yield* spawnPython(pythons[0]!, [script("producer.py"), address, "10000"], authkey)
        const got: Array<unknown> = []
        for (let i = 0; i < 10_000; i++) got.push(yield* queue.get({ timeout: "30 seconds" }))
        expect(got).toEqual(Array.from({ length: 10_000 }, (_, i) => i))
        expect(yield* producer.line).toBe("done")
        expect((yield* producer.exit).code).toBe(0)
        expect(yield* queue.qsize()).toBe(0)
      }).pipe(Effect.provide(NodeTransport.layer)))
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped))

  it.live("a dict Node made is used by Python, and one Python made is used by Node", () =>
    Effect.gen(function*() {
      const { address, server } = yield* serve(unixAddress("cross"))
      yield* Effect.scoped(Effect.gen(function*() {
        const m = yield* ManagerClient.make({ address, authkey })
        const d = yield* m.dict<string, unknown>()
        yield* d.set("from node", [1, 2, 3])
        const p = yield* spawnPython(pythons[2]!, [script("cross_dialect.py"), address], authkey)
        p.process.stdin?.write(`${JSON.stringify(d.token)}\n`)
        expect(yield* p.line).toBe("ok reads what Node wrote")
        expect(yield* p.line).toBe("wrote")
        const fromPython = (yield* d.getItem("from python")) as Array<unknown>
        expect(fromPython[0]).toBe(4)
        const nested = [...(fromPython[1] as Map<string, Uint8Array>)]
        expect(nested.map(([k, v]) => [k, Buffer.from(v).toString()])).toEqual([["nested", "bytes"]])
        const theirs = (yield* d.getItem("python dict")) as DictProxy<string, string>
        expect(yield* theirs.getItem("made_by")).toBe("python")
        yield* theirs.set("node says", "hello")
        p.process.stdin?.write("go\n")
        expect(yield* p.line).toBe("ok sees what Node wrote into its dict")
        expect(yield* p.line).toBe("done")
        expect((yield* p.exit).code).toBe(0)
      }).pipe(Effect.provide(NodeTransport.layer)))
      yield* server.kill("SIGTERM")
      expect((yield* server.exit).code).toBe(0)
    }).pipe(Effect.scoped))
})
