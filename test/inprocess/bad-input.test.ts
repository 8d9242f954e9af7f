/**
 * Bad input gets a typed error and costs only its own connection: malformed
 * frames, a wrong key, unknown objects and methods, double releases. The
 * server keeps serving everyone else throughout.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, Result } from "effect"
import { encodeValue } from "../../src/protocol/ValueCodec.ts"
import { clientHandshake } from "../../src/protocol/Handshake.ts"
import { protocolVersion } from "../../src/protocol/Messages.ts"
import { decodeReply, encodeRequest } from "../../src/protocol/WireCodec.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryTransport from "../../src/layers/MemoryTransport.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import { Server } from "../../src/services/Server.ts"
import { Transport } from "../../src/services/Transport.ts"
import { clean, managerLayer } from "../support/harness.ts"

const authkey = new TextEncoder().encode("test key")

/** A connection that has passed the handshake and opened a session, for sending raw frames. */
const rawSession = (address: string) =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const connection = yield* transport.connect(address)
    yield* clientHandshake({
      send: (p) => Effect.sync(() => connection.sendUnsafe(p)),
      receive: (limit) => connection.receive(limit)
    }, { authkey })
    connection.sendUnsafe(encodeRequest({ _tag: "Hello", id: 1, session: "raw", version: protocolVersion }))
    const hello = decodeReply(yield* connection.receive())
    expect(Result.isSuccess(hello) && hello.success._tag).toBe("Return")
    return connection
  })

const repeat = (pattern: ReadonlyArray<number>, times: number) =>
  Uint8Array.from(Array.from({ length: times }, () => pattern).flat())

const nextReply = (connection: { readonly receive: (limit?: number) => Effect.Effect<Uint8Array, unknown> }) =>
  Effect.map(connection.receive(), (frame) => {
    const r = decodeReply(frame)
    if (Result.isFailure(r)) throw r.failure
    return r.success
  })

layer(managerLayer({ authkey }).pipe((l) => l), { excludeTestServices: true })("bad input", (it) => {
  it.effect("a malformed frame gets a ProtocolError and closes that connection only", () =>
    clean(Effect.gen(function*() {
      const server = yield* Server
      const m = yield* Manager
      const d = yield* m.dict<string, number>()
      yield* d.set("before", 1)
      const inputs: ReadonlyArray<Uint8Array> = [
        new Uint8Array([0xc1]),
        encodeValue("not an array"),
        encodeValue([99, 1]),
        encodeValue([2, 1, "object"]),
        encodeValue([2, "id", 1, 2, 3, 4, 5]),
        encodeValue([20, 1, null]),
        // Headers that claim more elements than the frame holds, nested: msgpackr
        // would allocate 256 MiB for each before reading a single element.
        repeat([0xdd, 0x01, 0xff, 0xff, 0xff], 40),
        repeat([0xdf, 0x01, 0xff, 0xff, 0xff], 40),
        Uint8Array.of(0x92, 0x01, ...repeat([0xdc, 0xff, 0xff], 60))
      ]
      for (const input of inputs) {
        const connection = yield* rawSession(server.address)
        connection.sendUnsafe(input)
        const reply = yield* nextReply(connection)
        expect(reply).toMatchObject({ _tag: "Error", id: 0, error: { _tag: "ProtocolError" } })
        const closed = yield* Effect.flip(connection.receive())
        expect(closed._tag).toBe("ConnectionClosed")
        // The manager's own client never noticed.
        expect(yield* d.getItem("before")).toBe(1)
      }
    }).pipe(Effect.provide(Transport.layer(MemoryTransport.medium)))))

  it.effect("a wrong key fails with AuthenticationError and the server keeps serving", () =>
    clean(Effect.gen(function*() {
      const server = yield* Server
      const m = yield* Manager
      const error = yield* Effect.flip(Effect.scoped(ManagerClient.make({
        address: server.address,
        authkey: new TextEncoder().encode("wrong key")
      })))
      expect(error._tag).toBe("AuthenticationError")
      expect(error.message).not.toContain("wrong key")
      expect(error.message).not.toContain("test key")
      const q = yield* m.Queue<number>()
      yield* q.put(1)
      expect(yield* q.get()).toBe(1)
      // And the empty key is a key like any other.
      const empty = yield* Effect.flip(Effect.scoped(ManagerClient.make({ address: server.address, authkey: new Uint8Array() })))
      expect(empty._tag).toBe("AuthenticationError")
    }).pipe(Effect.provide(Transport.layer(MemoryTransport.medium)))))

  it.effect("unknown objects and methods, and refcounts that would go below zero, are typed errors", () =>
    clean(Effect.gen(function*() {
      const server = yield* Server
      const m = yield* Manager
      const connection = yield* rawSession(server.address)
      const send = (request: Parameters<typeof encodeRequest>[0]) =>
        Effect.andThen(Effect.sync(() => connection.sendUnsafe(encodeRequest(request))), nextReply(connection))
      expect(yield* send({ _tag: "Call", id: 2, object: "nope", method: "get", args: [], kwargs: null, caller: 1, trace: null })).toMatchObject({
        _tag: "Traceback",
        text: expect.stringContaining("KeyError") as unknown as string
      })
      const created = yield* send({ _tag: "Create", id: 3, typeid: "dict", args: [], kwargs: null })
      expect(created._tag).toBe("Proxy")
      const id = (created as { token: { id: string } }).token.id
      expect(yield* send({ _tag: "Call", id: 4, object: id, method: "__class__", args: [], kwargs: null, caller: 1, trace: null })).toMatchObject({
        _tag: "Traceback",
        text: expect.stringContaining("is not in exposed") as unknown as string
      })
      expect(yield* send({ _tag: "Decref", id: 5, object: id })).toMatchObject({ _tag: "Return" })
      expect(yield* send({ _tag: "Decref", id: 6, object: id })).toMatchObject({ _tag: "Traceback" })
      expect(yield* send({ _tag: "Incref", id: 7, object: id })).toMatchObject({ _tag: "Traceback" })
      expect(yield* m.numberOfObjects).toBe(0)
      // Someone else's object: this session holds no reference to decref.
      const d = yield* m.dict()
      expect(yield* send({ _tag: "Decref", id: 8, object: d.token.id })).toMatchObject({
        _tag: "Traceback",
        text: expect.stringContaining("holds no reference") as unknown as string
      })
      expect(yield* m.numberOfObjects).toBe(1)
    }).pipe(Effect.provide(Transport.layer(MemoryTransport.medium)))))
})
