/**
 * Our client against stock CPython managers (3.11, 3.12, 3.13): the same
 * proxies and typed errors as against our own server.
 */
import { rmSync } from "node:fs"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as PythonManagerClient from "../../src/layers/PythonManagerClient.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import type { QueueProxy } from "../../src/proxy/QueueProxy.ts"
import { assertNoChildren, spawnNode, unixAddress } from "../support/processes.ts"
import { pythons, spawnPython } from "../support/python.ts"

const authkey = new TextEncoder().encode("interop key")
const serverScript = new URL("../python/server.py", import.meta.url).pathname

class Counter {
  n = 0
  increment(_by?: number): number {
    return 0
  }
  fail(): number {
    return 0
  }
}
const CounterType = Registry.define("Counter", { create: () => new Counter() })
const GetQueue = Registry.alias("get_queue", SyncManagerTypes.types.Queue)

afterAll(() => assertNoChildren())
void spawnNode

describe.each(pythons)("our client against a CPython $version manager", (python) => {
  it.live("dict, list, Queue, Lock, Event, Value, Namespace and a custom typeid, with CPython's errors", () =>
    Effect.gen(function*() {
      const address = unixAddress(`cpython-${python.version}`)
      const server = yield* spawnPython(python, [serverScript, address], authkey)
      // A CPython server never removes its socket file when it is killed.
      yield* Effect.addFinalizer(() => Effect.sync(() => rmSync(address.slice(5), { force: true })))
      expect(yield* server.line).toBe(`listening ${address}`)
      const m = yield* PythonManagerClient.make({ address, authkey, types: [CounterType, GetQueue] })
      yield* Effect.scoped(Effect.gen(function*() {
        const d = yield* m.dict<unknown, unknown>(new Map([["a", 1]]))
        yield* d.set(Tuple.of<unknown>(1, "x"), [1, 2.5, "three", null, true])
        expect(yield* d.getItem(Tuple.of<unknown>(1, "x"))).toEqual([1, 2.5, "three", null, true])
        expect(yield* d.get("missing")).toEqual(Option.none())
        expect(yield* Effect.flip(d.getItem("missing"))).toMatchObject({ _tag: "KeyError", message: "'missing'" })
        const keys = yield* (yield* d.iter()).toArray()
        expect(keys.length).toBe(2)
        const l = yield* m.list([3, 1, 2])
        yield* l.sort()
        expect(yield* l.toArray()).toEqual([1, 2, 3])
        expect(yield* Effect.flip(l.get(10))).toMatchObject({ _tag: "IndexError" })
        const q = yield* m.Queue<number>({ maxsize: 1 })
        yield* q.put(1)
        expect(yield* Effect.flip(q.put(2, { timeout: "50 millis" }))).toMatchObject({ _tag: "QueueFull" })
        expect(yield* q.get()).toBe(1)
        expect(yield* Effect.flip(q.get({ timeout: "50 millis" }))).toMatchObject({ _tag: "QueueEmpty" })
        const lock = yield* m.Lock()
        expect(yield* lock.acquire()).toBe(true)
        expect(yield* lock.acquire({ blocking: false })).toBe(false)
        yield* lock.release()
        expect(yield* Effect.flip(lock.release())).toMatchObject({ _tag: "RuntimeError", message: "release unlocked lock" })
        const event = yield* m.Event()
        yield* Effect.forkChild(Effect.andThen(Effect.sleep("30 millis"), event.set()))
        expect(yield* event.wait("10 seconds")).toBe(true)
        const v = yield* m.Value("d", 1.5)
        yield* v.set(2.5)
        expect(yield* v.get()).toBe(2.5)
        const ns = yield* m.Namespace<{ name: string }>({ name: "Bob" })
        expect(yield* ns.get("name")).toBe("Bob")
        expect(yield* Effect.flip(ns.get("job" as "name"))).toMatchObject({ _tag: "AttributeError" })
        const counter = yield* m.create(CounterType)
        expect(yield* counter.increment(5)).toBe(5)
        expect(yield* Effect.flip(counter.fail())).toMatchObject({ _tag: "ValueError", message: "counter failure" })
        expect(yield* Effect.flip(counter.callMethod("_private"))).toMatchObject({ _tag: "RemoteError" })
        const shared = yield* m.dict<string, QueueProxy<string>>()
        yield* shared.set("q", (yield* m.create(GetQueue)) as QueueProxy<string>)
        const again = yield* shared.getItem("q")
        yield* again.put("nested")
        expect(yield* (yield* m.create(GetQueue)).get()).toBe("nested")
        expect(yield* m.numberOfObjects).toBeGreaterThan(0)
      }))
      expect(yield* m.numberOfObjects).toBe(0)
      yield* server.kill("SIGTERM")
      yield* server.exit
    }).pipe(Effect.scoped, Effect.provide(NodeTransport.layer)))
})
