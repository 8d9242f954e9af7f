import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryRefcountStore from "../../src/layers/MemoryRefcountStore.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"

const deps = Layer.mergeAll(NodeTransport.layer, MemoryRefcountStore.layer, Registry.layer(SyncManagerTypes.all))
const authkey = new Uint8Array([1, 2, 3])

it.live("unix and tcp", () =>
  Effect.gen(function*() {
    for (const address of ["unix:/tmp/em-smoke.sock", "tcp:127.0.0.1:0"]) {
      const server = yield* ServerLive.make({ address, authkey })
      const m = yield* ManagerClient.make({ address: server.address, authkey })
      const d = yield* m.dict<string, number>()
      yield* d.set("a", 1)
      expect(yield* d.getItem("a")).toBe(1)
      const big = new Uint8Array(5_000_000).fill(3)
      yield* d.set("big", big as never)
      expect(((yield* d.getItem("big")) as unknown as Uint8Array).length).toBe(5_000_000)
      console.log(address, server.address)
    }
  }).pipe(Effect.scoped, Effect.provide(deps)))
