/**
 * Managers in their three forms over real sockets: served by the CLI,
 * started as a child process, connected to. Restarts, wrong keys, oversized
 * frames, garbage bytes, dead servers and dead parents.
 */
import { existsSync, readFileSync } from "node:fs"
import * as net from "node:net"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Scope } from "effect"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as StartedManager from "../../src/layers/StartedManager.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"
import { frame } from "../../src/protocol/Framing.ts"
import { clientHandshake } from "../../src/protocol/Handshake.ts"
import { assertNoChildren, assertNoSocket, binScript, spawnNode, unixAddress, worker } from "../support/processes.ts"

const authkey = new TextEncoder().encode("server key")
const registryModule = new URL("../processes/queue-registry.ts", import.meta.url).pathname
const parentScript = new URL("../processes/parent.ts", import.meta.url).pathname
const GetQueue = Registry.alias("get_queue", SyncManagerTypes.types.Queue)

const serverDeps = Layer.mergeAll(NodeTransport.layer, MemoryBackend.layer, Registry.layer(SyncManagerTypes.all))

/** `effect-managers serve`, started by the test; gives the child and the address it printed. */
const serveCli = (address: string, extra: ReadonlyArray<string> = [], key = authkey) =>
  Effect.gen(function*() {
    const child = yield* spawnNode(binScript, ["serve", "--address", address, ...extra], { authkey: key })
    const line = yield* child.line
    expect(String(line)).toMatch(/^listening (unix|tcp):/)
    return { child, address: String(line).slice("listening ".length) }
  })

const connect = (address: string, key = authkey) =>
  ManagerClient.make({ address, authkey: key, types: [GetQueue] }).pipe(Effect.provide(NodeTransport.layer))

afterAll(() => assertNoChildren())

describe("effect-managers serve", () => {
  it.live("prints the real port, serves, and shuts down cleanly on SIGTERM and SIGINT", () =>
    Effect.gen(function*() {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        const { address, child } = yield* serveCli("tcp:127.0.0.1:0")
        expect(address).toMatch(/^tcp:127\.0\.0\.1:[1-9]\d*$/)
        yield* Effect.scoped(Effect.gen(function*() {
          const m = yield* connect(address)
          const d = yield* m.dict({ a: 1 })
          expect(yield* d.getItem("a")).toBe(1)
          const inspect = yield* spawnNode(binScript, ["inspect", "--address", address], { authkey })
          const header = yield* inspect.line
          expect(header).toMatch(/^ID\s+TYPEID\s+REFS/)
          expect(yield* inspect.line).toMatch(/dict\s+1\s+/)
          expect(yield* inspect.line).toBe("1 object")
          expect((yield* inspect.exit).code).toBe(0)
        }))
        yield* child.kill(signal)
        expect(yield* child.exit).toEqual({ code: 0, signal: null })
      }
    }).pipe(Effect.scoped))

  it.live("its limit flags are the server's limits", () =>
    Effect.gen(function*() {
      const { address, child } = yield* serveCli(unixAddress("cli-limits"), [
        "--max-objects-per-session", "2", "--max-connections", "1", "--max-frame-size", "4096", "--idle-timeout", "60"
      ])
      yield* Effect.scoped(Effect.gen(function*() {
        const m = yield* connect(address)
        const d = yield* m.dict<string, Uint8Array>()
        yield* m.list()
        expect(yield* Effect.flip(m.dict())).toMatchObject({ _tag: "LimitExceeded", limit: "objects-per-session", max: 2 })
        expect(yield* Effect.flip(connect(address))).toMatchObject({ _tag: "LimitExceeded", limit: "connections", max: 1 })
        expect(yield* Effect.flip(d.set("x", new Uint8Array(8192)))).toMatchObject({ _tag: "LimitExceeded", limit: "frame-size", max: 4096 })
      }))
      yield* child.kill("SIGTERM")
      expect(yield* child.exit).toEqual({ code: 0, signal: null })
      assertNoSocket(address)
    }).pipe(Effect.scoped))

  it.live("a malformed limit flag is refused before anything is served", () =>
    Effect.gen(function*() {
      const child = yield* spawnNode(binScript, ["serve", "--address", unixAddress("cli-bad"), "--max-in-flight", "many"], { authkey })
      expect((yield* child.exit).code).toBe(1)
    }).pipe(Effect.scoped))

  it.live("the remote-manager pattern: register('get_queue') and connect() from two processes", () =>
    Effect.gen(function*() {
      const address = unixAddress("remote")
      const { child } = yield* serveCli(address, ["--registry", `${registryModule}#types`])
      const putter = yield* worker("get-queue-put", { address, value: ["hello world", null, true, 2.25, "hallå världen"] }, authkey)
      expect((yield* putter.line).event).toBe("put")
      yield* Effect.scoped(Effect.gen(function*() {
        const m = yield* connect(address)
        const queue = yield* m.create(GetQueue)
        expect(yield* queue.get({ timeout: "5 seconds" })).toEqual(["hello world", null, true, 2.25, "hallå världen"])
        yield* queue.releaseProxy
        expect(yield* m.numberOfObjects).toBe(0)
      }))
      yield* child.kill("SIGTERM")
      expect((yield* child.exit).code).toBe(0)
      assertNoSocket(address)
    }).pipe(Effect.scoped))

  it.live("a new manager binds the address a previous one has just released", () =>
    Effect.gen(function*() {
      for (const address of [unixAddress("restart"), "tcp:127.0.0.1:0"]) {
        const first = yield* serveCli(address)
        yield* first.child.kill("SIGTERM")
        expect((yield* first.child.exit).code).toBe(0)
        const second = yield* serveCli(first.address)
        expect(second.address).toBe(first.address)
        yield* Effect.scoped(Effect.andThen(connect(second.address), (m) => m.ping))
        yield* second.child.kill("SIGTERM")
        expect((yield* second.child.exit).code).toBe(0)
      }
    }).pipe(Effect.scoped))

  it.live("a socket file left by a killed server is replaced", () =>
    Effect.gen(function*() {
      const address = unixAddress("stale")
      const first = yield* serveCli(address)
      yield* first.child.kill("SIGKILL")
      yield* first.child.exit
      expect(existsSync(address.slice(5))).toBe(true)
      const second = yield* serveCli(address)
      yield* Effect.scoped(Effect.andThen(connect(address), (m) => m.ping))
      yield* second.child.kill("SIGTERM")
      yield* second.child.exit
      assertNoSocket(address)
    }).pipe(Effect.scoped))
})

describe("a server's defences", () => {
  const withServer = <A, E>(f: (address: string) => Effect.Effect<A, E, Scope.Scope>) =>
    Effect.gen(function*() {
      const server = yield* ServerLive.make({ address: "tcp:127.0.0.1:0", authkey, maxFrameSize: 1024 * 1024 }).pipe(
        Effect.provide(serverDeps)
      )
      return yield* f(server.address)
    }).pipe(Effect.scoped)

  const rawSocket = (address: string) =>
    Effect.acquireRelease(
      Effect.callback<net.Socket>((resume) => {
        const [host, port] = [address.slice(4, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))]
        const s = net.createConnection({ host, port }, () => resume(Effect.succeed(s)))
        // Read, so that the server's close is seen.
        s.resume()
      }),
      (s) => Effect.sync(() => s.destroy())
    )
  const closed = (s: net.Socket) =>
    Effect.callback<void>((resume) => {
      if (s.destroyed || s.readableEnded) return resume(Effect.void)
      s.once("close", () => resume(Effect.void))
    }).pipe(Effect.timeout("5 seconds"))

  it.live("a wrong key: AuthenticationError for the client, the server keeps serving", () =>
    withServer((address) =>
      Effect.gen(function*() {
        const good = yield* connect(address)
        const error = yield* Effect.flip(Effect.scoped(connect(address, new TextEncoder().encode("bad key"))))
        expect(error._tag).toBe("AuthenticationError")
        const q = yield* good.Queue<number>()
        yield* q.put(1)
        expect(yield* q.get()).toBe(1)
      })
    ))

  it.live("garbage before authentication, and after it, closes only that connection", () =>
    withServer((address) =>
      Effect.gen(function*() {
        const good = yield* connect(address)
        const before = yield* rawSocket(address)
        before.write(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        yield* closed(before)
        const after = yield* rawSocket(address)
        const chunks: Array<Buffer> = []
        after.on("data", (c: Buffer) => chunks.push(c))
        // Authenticate properly with a raw socket, then send bytes that are no message.
        const frames: Array<Buffer> = []
        let waiting: ((b: Uint8Array) => void) | undefined
        let buffer = Buffer.alloc(0)
        after.removeAllListeners("data")
        after.on("data", (c: Buffer) => {
          buffer = Buffer.concat([buffer, c])
          while (buffer.length >= 4 && buffer.length >= 4 + buffer.readInt32BE(0)) {
            const n = buffer.readInt32BE(0)
            const payload = buffer.subarray(4, 4 + n)
            buffer = buffer.subarray(4 + n)
            if (waiting) {
              const w = waiting
              waiting = undefined
              w(payload)
            } else frames.push(payload)
          }
        })
        yield* clientHandshake({
          send: (p) => Effect.sync(() => void after.write(frame(p))),
          receive: () =>
            Effect.callback<Uint8Array>((resume) => {
              const f = frames.shift()
              if (f !== undefined) return resume(Effect.succeed(f))
              waiting = (b) => resume(Effect.succeed(b))
            })
        }, { authkey })
        after.write(frame(new Uint8Array([0xde, 0xad, 0xbe, 0xef])))
        yield* closed(after)
        expect(yield* good.numberOfObjects).toBe(0)
      })
    ))

  it.live("a frame over the cap costs the sender its connection, and nothing is allocated for it", () =>
    withServer((address) =>
      Effect.gen(function*() {
        const good = yield* connect(address)
        const d = yield* good.dict<string, Uint8Array>()
        const sender = yield* connect(address)
        const big = yield* sender.dict<string, Uint8Array>()
        const error = yield* Effect.flip(big.set("x", new Uint8Array(2 * 1024 * 1024)))
        expect(error).toMatchObject({ _tag: "LimitExceeded", limit: "frame-size", max: 1024 * 1024 })
        expect(yield* Effect.flip(big.size())).toMatchObject({ _tag: "ConnectionLost" })
        yield* d.set("small", new Uint8Array(10))
        expect((yield* d.getItem("small")).length).toBe(10)
        // A header that declares 2^40 bytes: refused at once.
        const raw = yield* rawSocket(address)
        raw.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 1, 0, 0, 0, 0, 0]))
        yield* closed(raw)
      })
    ))
})

describe("a started manager", () => {
  it.live("runs its initializer before serving, starts once, shuts down gracefully once", () =>
    Effect.gen(function*() {
      const managerProcess = yield* StartedManager.make({
        authkey,
        registry: { module: registryModule, export: "types" },
        initializer: { module: registryModule, export: "initialize" },
        initializerArgs: ["by the test"],
        types: [GetQueue]
      })
      const m = yield* managerProcess.start
      const q = yield* m.create(GetQueue)
      expect(yield* q.get({ timeout: "5 seconds" })).toBe("initialized by the test")
      yield* q.releaseProxy
      expect((yield* Effect.flip(managerProcess.start)).message).toBe("Already started server")
      // A Ctrl-C reaches the whole process group: the server ignores it.
      process.kill(managerProcess.pid()!, "SIGINT")
      yield* Effect.sleep("100 millis")
      yield* m.ping
      const stopped = yield* managerProcess.shutdown
      expect(stopped).toEqual({ exitCode: 0, graceful: true, signal: undefined })
      expect(yield* managerProcess.shutdown).toEqual(stopped)
      expect((yield* Effect.flip(managerProcess.start)).message).toBe("Manager has shut down")
      assertNoSocket(managerProcess.address()!)
    }).pipe(Effect.scoped, Effect.provide(StartedManager.services)))

  it.live("a killed server fails calls in flight and later calls promptly with ConnectionLost", () =>
    Effect.gen(function*() {
      const managerProcess = yield* StartedManager.make({ authkey })
      const m = yield* managerProcess.start
      const q = yield* m.Queue<number>()
      const waiting = yield* Effect.forkChild(Effect.flip(q.get()))
      yield* Effect.sleep("50 millis")
      process.kill(managerProcess.pid()!, "SIGKILL")
      const error = yield* Fiber.await(waiting).pipe(Effect.timeout("2 seconds"))
      expect(Exit.isSuccess(error) && error.value).toMatchObject({ _tag: "ConnectionLost" })
      expect(yield* Effect.flip(q.put(1))).toMatchObject({ _tag: "ConnectionLost" })
      expect(yield* Effect.flip(m.numberOfObjects)).toMatchObject({ _tag: "ConnectionLost" })
      const stopped = yield* managerProcess.shutdown
      expect(stopped.graceful).toBe(false)
    }).pipe(Effect.scoped, Effect.provide(StartedManager.services)))

  it.live("a parent that dies takes its manager with it", () =>
    Effect.gen(function*() {
      const parent = yield* spawnNode(parentScript, [])
      const { pid, address } = yield* parent.lineWhere((l) => l.event === "started")
      yield* parent.kill("SIGKILL")
      yield* parent.exit
      const gone = () => {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
          return stat.split(") ")[1]?.startsWith("Z") ?? true
        } catch {
          return true
        }
      }
      for (let i = 0; i < 100 && !gone(); i++) yield* Effect.sleep("50 millis")
      expect(gone()).toBe(true)
      assertNoSocket(address)
    }).pipe(Effect.scoped))
})
