/**
 * The transport seam: a Transport routes each address by its scheme to the
 * medium that serves it; in-memory listeners live on a MemoryNetwork, which
 * whoever must meet shares and nobody else sees; and each end of an
 * in-memory connection frames with its own side's options, as sockets do.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Scope } from "effect"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryNetwork from "../../src/layers/MemoryNetwork.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as MemoryTransport from "../../src/layers/MemoryTransport.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import * as Registry from "../../src/services/Registry.ts"
import { Server } from "../../src/services/Server.ts"
import { type Medium, Transport, TransportError } from "../../src/services/Transport.ts"
import { assertNoSocket, unixAddress } from "../support/processes.ts"

const authkey = new TextEncoder().encode("transport seam")

/** A Transport of the memory medium on the given network. */
const memoryOn = (network: MemoryNetwork.MemoryNetwork["Service"]) =>
  Transport.make(MemoryTransport.medium).pipe(Effect.provideService(MemoryNetwork.MemoryNetwork, network))

describe("routing by scheme", () => {
  it.effect("each address goes to the medium that declares its scheme; a scheme nobody serves is an address error", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const recording: Medium = {
        schemes: ["test"],
        listen: (address) => Effect.sync(() => seen.push(`listen ${address}`)).pipe(Effect.andThen(Effect.fail(new TransportError({ reason: "listen", address })))),
        connect: (address) => Effect.sync(() => seen.push(`connect ${address}`)).pipe(Effect.andThen(Effect.fail(new TransportError({ reason: "connect", address }))))
      }
      const transport = yield* Transport.make(Effect.succeed(recording), MemoryTransport.medium).pipe(
        Effect.provideService(MemoryNetwork.MemoryNetwork, yield* MemoryNetwork.make)
      )
      expect(transport.schemes).toEqual(["test", "memory"])
      expect(yield* Effect.flip(transport.listen("test:a"))).toMatchObject({ _tag: "TransportError", reason: "listen", address: "test:a" })
      expect(yield* Effect.flip(transport.connect("test:b:c"))).toMatchObject({ _tag: "TransportError", reason: "connect" })
      expect(seen).toEqual(["listen test:a", "connect test:b:c"])
      const listener = yield* transport.listen("memory:routed")
      yield* transport.connect(listener.address)
      for (const address of ["unix:/tmp/x.sock", "tcp:127.0.0.1:1", "ws://127.0.0.1:1", "no scheme", ":empty", "memory:"]) {
        expect(yield* Effect.flip(transport.connect(address))).toMatchObject({ _tag: "TransportError", reason: "address", address })
        expect(yield* Effect.flip(transport.listen(address))).toMatchObject({ _tag: "TransportError", reason: "address", address })
      }
      expect(seen).toHaveLength(2)
    }))

  it.effect("two mediums that claim one scheme are a defect; NodeTransport serves unix, tcp and memory, MemoryTransport memory only", () =>
    Effect.gen(function*() {
      const twice = yield* Effect.exit(Transport.make(NodeTransport.medium, NodeTransport.medium))
      expect(Exit.isFailure(twice) && Cause.hasDies(twice.cause)).toBe(true)
      const schemes = Transport.useSync((t) => t.schemes)
      expect(yield* Effect.provide(schemes, NodeTransport.layer)).toEqual(["unix", "tcp", "memory"])
      expect(yield* Effect.provide(schemes, MemoryTransport.layer)).toEqual(["memory"])
    }))
})

describe("the in-memory medium", () => {
  it.effect("two networks never meet; on one network an address is bound once, and is free again once its listener closes", () =>
    Effect.gen(function*() {
      const one = yield* MemoryNetwork.make
      const two = yield* MemoryNetwork.make
      const serving = yield* memoryOn(one)
      const sameNetwork = yield* memoryOn(one)
      const otherNetwork = yield* memoryOn(two)
      const scope = yield* Scope.make()
      const listener = yield* Scope.provide(serving.listen("memory:shared"), scope)
      const client = yield* sameNetwork.connect("memory:shared")
      const server = yield* listener.accept
      client.sendUnsafe(Uint8Array.of(1, 2, 3))
      expect([...(yield* server.receive())]).toEqual([1, 2, 3])
      expect(yield* Effect.flip(otherNetwork.connect("memory:shared"))).toMatchObject({ _tag: "TransportError", reason: "connect" })
      expect(yield* Effect.flip(sameNetwork.listen("memory:shared"))).toMatchObject({ _tag: "TransportError", reason: "listen" })
      // The other network has a namespace of its own.
      yield* otherNetwork.listen("memory:shared")
      yield* Scope.close(scope, Exit.void)
      expect(yield* Effect.flip(sameNetwork.connect("memory:shared"))).toMatchObject({ _tag: "TransportError", reason: "connect" })
      yield* sameNetwork.listen("memory:shared")
    }))

  it.effect("each end reads with its own side's cap: the server end the listener's maxFrameSize, the client end the connection's", () =>
    Effect.gen(function*() {
      const transport = yield* Transport
      const listener = yield* transport.listen("memory:caps", { maxFrameSize: 100 })
      const client = yield* transport.connect(listener.address, { maxFrameSize: 10 })
      const server = yield* listener.accept
      client.sendUnsafe(new Uint8Array(100))
      expect((yield* server.receive()).length).toBe(100)
      server.sendUnsafe(new Uint8Array(11))
      expect(yield* Effect.flip(client.receive())).toMatchObject({ _tag: "FrameError", reason: "too-large", length: 11, limit: 10 })
      const second = yield* transport.connect(listener.address)
      const secondServer = yield* listener.accept
      second.sendUnsafe(new Uint8Array(101))
      expect(yield* Effect.flip(secondServer.receive())).toMatchObject({ _tag: "FrameError", reason: "too-large", length: 101, limit: 100 })
      // A client without a cap of its own has the default one, not the listener's.
      secondServer.sendUnsafe(new Uint8Array(1000))
      expect((yield* second.receive()).length).toBe(1000)
    }).pipe(Effect.provide(MemoryTransport.layer)))

  it.live("InProcessManager.layer({ maxFrameSize: 4096 }) refuses a 64 KiB frame exactly as the same server over unix: does", () =>
    Effect.gen(function*() {
      const big = new Uint8Array(64 * 1024)
      const address = unixAddress("frame-cap")
      const overUnix = yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* ServerLive.make({ address, authkey, maxFrameSize: 4096 })
        const m = yield* ManagerClient.make({ address: server.address, authkey })
        const d = yield* m.dict<string, Uint8Array>()
        return yield* Effect.flip(d.set("x", big))
      })).pipe(
        Effect.provide(NodeTransport.layer),
        Effect.provide(MemoryBackend.layer),
        Effect.provide(Registry.layer(SyncManagerTypes.all))
      )
      assertNoSocket(address)
      const inMemory = yield* Effect.scoped(Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict<string, Uint8Array>()
        return yield* Effect.flip(d.set("x", big))
      })).pipe(Effect.provide(InProcessManager.layer({ authkey, maxFrameSize: 4096 })))
      const seen = (e: typeof overUnix) => ({ ...e, message: e.message })
      expect(overUnix).toMatchObject({ _tag: "LimitExceeded", limit: "frame-size", max: 4096 })
      expect(seen(inMemory)).toEqual(seen(overUnix))
    }))

  it.effect("an InProcessManager provides its network: a client built on it reaches the server, a MemoryTransport of its own does not", () =>
    Effect.gen(function*() {
      const server = yield* Server
      const other = yield* ManagerClient.make({ address: server.address, authkey }).pipe(
        Effect.provide(Transport.layer(MemoryTransport.medium))
      )
      const d = yield* other.dict({ a: 1 })
      expect(yield* d.getItem("a")).toBe(1)
      const apart = yield* Effect.flip(ManagerClient.make({ address: server.address, authkey }).pipe(Effect.provide(MemoryTransport.layer)))
      expect(apart).toMatchObject({ _tag: "ManagerUnavailable", cause: { _tag: "TransportError", reason: "connect" } })
    }).pipe(Effect.scoped, Effect.provide(InProcessManager.layer({ authkey }))))
})
