/**
 * CPython-dialect peers that misbehave: nothing reaches the pickle codec
 * before both handshake directions succeed, a bad pickle gets a #TRACEBACK
 * and costs only its connection, and a pickle naming os.system runs nothing.
 */
import { existsSync } from "node:fs"
import { expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { clientHandshake } from "../../src/protocol/Handshake.ts"
import { decodePickle, encodePickle } from "../../src/protocol/pickle/index.ts"
import { PyObject } from "../../src/domain/values/PyObjects.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import * as Registry from "../../src/services/Registry.ts"
import { Transport } from "../../src/services/Transport.ts"

const authkey = new TextEncoder().encode("hostile key")
const deps = Layer.mergeAll(NodeTransport.layer, MemoryBackend.layer, Registry.layer(SyncManagerTypes.all))

const request = (...parts: ReadonlyArray<unknown>) => encodePickle(Tuple.fromArray(parts))

it.live("a peer without the key reaches no codec; a bad pickle gets #TRACEBACK; os.system runs nothing", () =>
  Effect.gen(function*() {
    const server = yield* ServerLive.make({ address: "tcp:127.0.0.1:0", authkey })
    const transport = yield* Transport
    const decoded = () => Effect.runSync(Effect.map(server.stats, (s) => s.decodedFrames))
    const before = decoded()

    // 1. A pickle where the answer to the challenge should be.
    const noKey = yield* transport.connect(server.address)
    yield* noKey.receive(256)
    noKey.sendUnsafe(request(null, "create", Tuple.of("dict"), new Map()))
    expect(Buffer.from(yield* noKey.receive(256)).toString()).toBe("#FAILURE#")
    expect((yield* Effect.flip(noKey.receive())) ._tag).toBe("ConnectionClosed")

    // 2. A wrong key, then pickles anyway.
    const wrong = yield* transport.connect(server.address)
    const failed = yield* Effect.flip(clientHandshake({
      send: (p) => Effect.sync(() => wrong.sendUnsafe(p)),
      receive: (limit) => wrong.receive(limit)
    }, { authkey: new TextEncoder().encode("guess") }))
    expect(failed._tag).toBe("AuthenticationError")
    wrong.sendUnsafe(request(null, "number_of_objects", Tuple.of(), new Map()))
    expect(decoded()).toBe(before)

    // 3. Authenticated: a pickle that is no pickle gets a #TRACEBACK.
    const authed = () =>
      Effect.gen(function*() {
        const c = yield* transport.connect(server.address)
        yield* clientHandshake({ send: (p) => Effect.sync(() => c.sendUnsafe(p)), receive: (limit) => c.receive(limit) }, { authkey })
        return c
      })
    const bad = yield* authed()
    bad.sendUnsafe(new Uint8Array([0x80, 0x04, 0xff, 0xff]))
    const reply = decodePickle(yield* bad.receive()) as Array<unknown>
    expect(reply[0]).toBe("#TRACEBACK")
    expect(decoded()).toBeGreaterThan(before)

    // 4. A create whose argument is os.system('touch …'): stored as an inert record, never run.
    const marker = `/tmp/effect-managers-pwned-${process.pid}`
    const evil = new PyObject("posix", "system", Tuple.of(`touch ${marker}`))
    const c = yield* authed()
    c.sendUnsafe(request(null, "create", Tuple.of<unknown>("list", [evil]), new Map()))
    const created = decodePickle(yield* c.receive()) as [string, [string, unknown]]
    expect(created[0]).toBe("#RETURN")
    expect(existsSync(marker)).toBe(false)

    // Everyone else is still served.
    const ok = yield* authed()
    ok.sendUnsafe(request(null, "number_of_objects", Tuple.of(), new Map()))
    expect(decodePickle(yield* ok.receive())).toEqual(Tuple.of<unknown>("#RETURN", 1))
    const dec = yield* authed()
    dec.sendUnsafe(request(null, "decref", Tuple.of(created[1][0]), new Map()))
    expect((decodePickle(yield* dec.receive()) as Array<unknown>)[0]).toBe("#RETURN")
    expect(yield* server.numberOfObjects).toBe(0)
  }).pipe(Effect.scoped, Effect.provide(deps)))
