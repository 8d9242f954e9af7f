/**
 * Before authentication a peer has a deadline and a cap of its own: a
 * connection that says nothing (or never finishes TLS) is closed after
 * `handshakeTimeout`, connections still authenticating never count against
 * `maxConnections`, and past `maxPendingConnections` they are closed at once.
 * Real clients are served throughout, and every refusal is counted.
 */
import { execFileSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import * as net from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { parseAddress } from "../../src/domain/Address.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"
import type { Server } from "../../src/services/Server.ts"
import { Transport } from "../../src/services/Transport.ts"
import { handshakeMaxFrameSize } from "../../src/protocol/Framing.ts"
import { clientHandshake } from "../../src/protocol/Handshake.ts"
import { binScript, spawnNode } from "../support/processes.ts"

const authkey = new TextEncoder().encode("pre-auth")
const deps = Layer.mergeAll(NodeTransport.layer, MemoryBackend.layer, Registry.layer(SyncManagerTypes.all))
const dir = mkdtempSync(join(tmpdir(), "effect-managers-preauth-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A socket that connects and says nothing; `closed` completes when the server closes it. */
const silent = (address: string) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly socket: net.Socket; readonly closed: Promise<void> }>((resume) => {
      const parsed = parseAddress(address)!
      const socket = parsed._tag === "unix" ? net.createConnection({ path: parsed.path }) : net.createConnection({
        host: (parsed as { host: string }).host,
        port: (parsed as { port: number }).port
      })
      const closed = new Promise<void>((done) => socket.once("close", () => done()))
      socket.on("error", () => {})
      // It reads (and drops) what it is sent, so that it sees the server's close; it never writes.
      socket.resume()
      socket.once("connect", () => resume(Effect.succeed({ socket, closed })))
    }),
    ({ socket }) => Effect.sync(() => socket.destroy())
  )

const waitUntil = (check: Effect.Effect<boolean>, what: string) =>
  Effect.gen(function*() {
    const start = Date.now()
    while (!(yield* check)) {
      if (Date.now() - start > 10_000) throw new Error(`timed out waiting until ${what}`)
      yield* Effect.sleep("20 millis")
    }
  })

const unix = () => `unix:${join(tmpdir(), `effect-managers-preauth-${randomBytes(4).toString("hex")}.sock`)}`

const stats = (server: Server["Service"]) => server.stats

layer(deps, { excludeTestServices: true })("before authentication", (it) => {
  it.effect("silent sockets as many as maxConnections do not take its places: real clients are served, then the silent ones are closed at the deadline", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: unix(), authkey, maxConnections: 3, handshakeTimeout: "1 second" })
      const quiet = yield* Effect.forEach(Array.from({ length: 3 }), () => silent(server.address))
      yield* waitUntil(Effect.map(stats(server), (s) => s.pending === 3), "three connections are authenticating")
      // Three real clients: the whole limit, while the silent ones wait.
      const clients = yield* Effect.forEach(Array.from({ length: 3 }), () => ManagerClient.make({ address: server.address, authkey }))
      for (const c of clients) {
        const d = yield* c.dict({ served: true })
        expect(yield* d.getItem("served")).toBe(true)
      }
      expect(yield* stats(server)).toMatchObject({ connections: 3, pending: 3 })
      // At the deadline the silent ones go, and are counted.
      yield* Effect.promise(() => Promise.all(quiet.map((q) => q.closed)))
      expect(yield* stats(server)).toMatchObject({ connections: 3, pending: 0, refused: { handshakeTimeout: 3 } })
    }).pipe(Effect.scoped))

  it.effect("past maxPendingConnections a new connection is closed before a byte is read; a client that authenticates but sends nothing goes at the deadline", () =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: unix(), authkey, maxPendingConnections: 2, handshakeTimeout: "500 millis" })
      const quiet = yield* Effect.forEach(Array.from({ length: 5 }), () => silent(server.address))
      yield* waitUntil(Effect.map(stats(server), (s) => s.refused.pendingLimit === 3), "three were refused at once")
      yield* Effect.promise(() => Promise.all(quiet.map((q) => q.closed)))
      expect((yield* stats(server)).refused).toMatchObject({ pendingLimit: 3, handshakeTimeout: 2 })
      // A peer that answers the challenge, then says nothing: the first frame has the same deadline.
      const transport = yield* Transport
      const connection = yield* transport.connect(server.address)
      yield* clientHandshake({
        send: (p) => Effect.sync(() => connection.sendUnsafe(p)),
        receive: (limit) => connection.receive(Math.min(limit, handshakeMaxFrameSize))
      }, { authkey })
      expect((yield* Effect.flip(connection.receive()))._tag).toBe("ConnectionClosed")
      expect((yield* stats(server)).refused.handshakeTimeout).toBe(3)
      // A real client, after all of that.
      const m = yield* ManagerClient.make({ address: server.address, authkey })
      yield* m.ping
    }).pipe(Effect.scoped))

  it.effect("a wrong key is counted; a plain client against a TLS listener never finishes the handshake and is closed at the deadline", () =>
    Effect.gen(function*() {
      const key = join(dir, "server.key")
      const cert = join(dir, "server.crt")
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"
      ], { stdio: "ignore" })
      const server = yield* ServerLive.make({ address: "tcp:127.0.0.1:0", authkey, tls: { cert, key }, handshakeTimeout: "500 millis" })
      const plain = yield* silent(server.address)
      const started = Date.now()
      yield* Effect.promise(() => plain.closed)
      expect(Date.now() - started).toBeLessThan(5_000)
      expect((yield* stats(server)).refused.handshakeTimeout).toBe(1)
      const wrong = yield* Effect.flip(Effect.scoped(ManagerClient.make({
        address: server.address,
        authkey: new TextEncoder().encode("wrong"),
        tls: { ca: cert, servername: "localhost" }
      })))
      expect(wrong._tag).toBe("AuthenticationError")
      yield* waitUntil(Effect.map(stats(server), (s) => s.refused.authentication === 1), "the wrong key is counted")
      const m = yield* ManagerClient.make({ address: server.address, authkey, tls: { ca: cert, servername: "localhost" } })
      yield* m.ping
    }).pipe(Effect.scoped))

  it.effect("serve --max-connections 3 --handshake-timeout 1: three silent TCP sockets, and a client is still served; inspect shows what was refused", () =>
    Effect.gen(function*() {
      const serve = yield* spawnNode(binScript, ["serve", "--address", "tcp:127.0.0.1:0", "--max-connections", "3", "--idle-timeout", "1", "--handshake-timeout", "1"], { authkey })
      const address = String(yield* serve.line).slice("listening ".length)
      const quiet = yield* Effect.forEach(Array.from({ length: 3 }), () => silent(address))
      const m = yield* ManagerClient.make({ address, authkey })
      const q = yield* m.Queue<string>()
      yield* q.put("served")
      expect(yield* q.get()).toBe("served")
      yield* Effect.promise(() => Promise.all(quiet.map((s) => s.closed)))
      const inspect = yield* spawnNode(binScript, ["inspect", "--address", address], { authkey })
      const lines: Array<string> = []
      for (let i = 0; i < 5; i++) lines.push(String(yield* inspect.line))
      expect(lines.join("\n")).toMatch(/refused: 3 handshake timeout, 0 authentication, 0 pending limit, 0 connection limit/)
      expect((yield* inspect.exit).code).toBe(0)
    }).pipe(Effect.scoped, Effect.provide(NodeTransport.layer)), { timeout: 30_000 })
})
