import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as InProcessManager from "../src/layers/InProcessManager.ts"
import { Manager } from "../src/proxy/Manager.ts"

describe("smoke", () => {
  it.live("dict set/get through the in-process manager", () =>
    Effect.gen(function*() {
      const manager = yield* Manager
      const n = yield* Effect.scoped(Effect.gen(function*() {
        const d = yield* manager.dict<string, number>()
        yield* d.set("a", 1)
        expect(yield* d.get("a")).toEqual(Option.some(1))
        expect(yield* d.get("b")).toEqual(Option.none())
        const q = yield* manager.Queue<number>()
        yield* q.put(5)
        expect(yield* q.get()).toBe(5)
        return yield* manager.numberOfObjects
      }))
      expect(n).toBe(2)
      expect(yield* manager.numberOfObjects).toBe(0)
    }).pipe(Effect.provide(InProcessManager.layer())))
})
