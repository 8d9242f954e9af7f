/**
 * Any Effect socket is a connection: a WebSocket server and client (which
 * carry no `net.Socket`, so the generic adapter serves them) authenticate
 * and exchange frames with the framing's caps, and a whole manager runs
 * over Effect's own Unix sockets on both ends.
 */
import * as NodeSocket from "@effect/platform-node/NodeSocket"
import * as NodeSocketServer from "@effect/platform-node/NodeSocketServer"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import * as Socket from "effect/socket/Socket"
import { parseAddress } from "../../src/domain/Address.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SocketConnection from "../../src/layers/SocketConnection.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { handshakeMaxFrameSize } from "../../src/protocol/Framing.ts"
import { clientHandshake, serverHandshake } from "../../src/protocol/Handshake.ts"
import * as Registry from "../../src/services/Registry.ts"
import { type Connection, type Medium, Transport, TransportError } from "../../src/services/Transport.ts"
import { assertNoSocket, unixAddress } from "../support/processes.ts"

const authkey = new TextEncoder().encode("effect sockets")

const io = (connection: Connection) => ({
  send: (payload: Uint8Array) => Effect.sync(() => connection.sendUnsafe(payload)),
  receive: (limit: number) => connection.receive(Math.min(limit, handshakeMaxFrameSize))
})

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill)

/** `unix:` through Effect's NodeSocket and NodeSocketServer with the generic adapter at both ends. */
const genericUnix: Medium = {
  schemes: ["unix"],
  listen: (address, options = {}) =>
    Effect.gen(function*() {
      const parsed = parseAddress(address)
      if (parsed?._tag !== "unix") return yield* new TransportError({ reason: "address", address })
      const server = yield* NodeSocketServer.make({ path: parsed.path }).pipe(
        Effect.mapError((cause) => new TransportError({ reason: "listen", address, cause }))
      )
      return yield* SocketConnection.fromServer(server, { address, maxFrameSize: options.maxFrameSize })
    }),
  connect: (address, options = {}) =>
    Effect.gen(function*() {
      const parsed = parseAddress(address)
      if (parsed?._tag !== "unix") return yield* new TransportError({ reason: "address", address })
      const socket = yield* NodeSocket.makeNet({ path: parsed.path })
      return yield* SocketConnection.fromSocket(socket, { peer: address, maxFrameSize: options.maxFrameSize }).pipe(
        Effect.mapError((cause) => new TransportError({ reason: "connect", address, cause }))
      )
    })
}

/**
 * A WebSocket server whose sockets `accept` makes connections, and a client:
 * the HMAC handshake, frames both ways in order, a frame over the cap refused.
 */
const overWebSockets = (accept?: SocketConnection.ListenerOptions["accept"]) =>
  Effect.gen(function*() {
    const server = yield* NodeSocketServer.makeWebSocket({ host: "127.0.0.1", port: 0 })
    if (server.address._tag === "UnixPathAddress") throw new Error("a WebSocket server on a path")
    const url = `ws://127.0.0.1:${server.address.port}`
    const listener = yield* SocketConnection.fromServer(server, { address: url, maxFrameSize: 1024, accept })
    expect(listener.address).toBe(url)

    const client = yield* SocketConnection.fromSocket(yield* Socket.makeWebSocket(url), { peer: url })
    const accepting = yield* Effect.forkChild(Effect.gen(function*() {
      const connection = yield* listener.accept
      yield* serverHandshake(io(connection), { authkey })
      return connection
    }))
    yield* clientHandshake(io(client), { authkey })
    const served = yield* Fiber.join(accepting)
    expect(served.peer).toBe(`${url}#1`)

    // Many frames in one tick, big and small, arrive whole and in order.
    client.sendManyUnsafe([bytes(3, 1), bytes(1024, 2), new Uint8Array(0), bytes(700, 3)])
    for (const [n, fill] of [[3, 1], [1024, 2], [0, 0], [700, 3]] as const) {
      const got = yield* served.receive()
      expect(got.length).toBe(n)
      if (n > 0) expect(got.every((b) => b === fill)).toBe(true)
    }
    served.sendPartsUnsafe([bytes(10, 7), bytes(20_000, 8)])
    const reply = yield* client.receive()
    expect(reply.length).toBe(20_010)
    expect(reply[9]).toBe(7)
    expect(reply[20_009]).toBe(8)

    // The server's cap is 1024: the header of a longer frame is refused before its body is read.
    client.sendUnsafe(bytes(1025, 9))
    expect(yield* Effect.flip(served.receive())).toMatchObject({ _tag: "FrameError", reason: "too-large", length: 1025, limit: 1024 })

    // The server closes; the client sees its end.
    yield* served.close
    expect(yield* Effect.flip(client.receive())).toMatchObject({ _tag: "ConnectionClosed" })
    expect(client.isClosed()).toBe(true)
  }).pipe(Effect.scoped, Effect.provide(NodeSocket.layerWebSocketConstructor))

describe("Effect sockets as connections", () => {
  it.live("a WebSocket server and client: the HMAC handshake, frames both ways in order, and a frame over the cap refused with FrameError", () =>
    overWebSockets())

  it.live("NodeTransport's listeners serve a socket that has no net.Socket through the generic adapter instead of dropping it", () =>
    overWebSockets(NodeTransport.accept({ maxFrameSize: 1024 })))

  it.live("a WebSocket client that closes: the server's run ends cleanly after the frames sent before the close", () =>
    Effect.gen(function*() {
      const server = yield* NodeSocketServer.makeWebSocket({ host: "127.0.0.1", port: 0 })
      if (server.address._tag === "UnixPathAddress") throw new Error("a WebSocket server on a path")
      const url = `ws://127.0.0.1:${server.address.port}`
      const listener = yield* SocketConnection.fromServer(server, { address: url })
      const client = yield* SocketConnection.fromSocket(yield* Socket.makeWebSocket(url), { peer: url })
      const served = yield* listener.accept
      client.sendManyUnsafe([bytes(5, 1), bytes(6, 2)])
      yield* client.close
      const frames: Array<number> = []
      yield* served.run((payload) => frames.push(payload.length))
      expect(frames).toEqual([5, 6])
      expect(served.isClosed()).toBe(true)
    }).pipe(Effect.scoped, Effect.provide(NodeSocket.layerWebSocketConstructor)))

  it.live("a manager served and used over Effect's own Unix sockets, the generic adapter at both ends", () =>
    Effect.gen(function*() {
      const address = unixAddress("generic-adapter")
      yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* ServerLive.make({ address, authkey, maxFrameSize: 4096, leaseGrace: 0 })
        const m = yield* ManagerClient.make({ address: server.address, authkey })
        const q = yield* m.Queue<number>()
        // 64 calls in flight on one connection, then sequential ones.
        yield* Effect.forEach(Array.from({ length: 64 }, (_, i) => i), (i) => q.put(i), { concurrency: "unbounded" })
        expect(yield* q.qsize()).toBe(64)
        const got = new Set<number>()
        for (let i = 0; i < 64; i++) got.add(yield* q.get())
        expect(got.size).toBe(64)
        const d = yield* m.dict<string, Uint8Array>()
        expect(yield* Effect.flip(d.set("x", new Uint8Array(8192)))).toMatchObject({ _tag: "LimitExceeded", limit: "frame-size", max: 4096 })
      }))
      assertNoSocket(address)
    }).pipe(
      Effect.provide(Layer.mergeAll(Transport.layer(Effect.succeed(genericUnix)), MemoryBackend.layer, Registry.layer(SyncManagerTypes.all)))
    ))
})
