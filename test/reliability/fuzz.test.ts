/**
 * Bad input, generated: random and mutated frames (truncated, lengths that
 * lie, wrong tags, deep nesting, huge strings, bad UTF-8, unknown pickle
 * globals and opcodes) sent at every stage of a connection to a live server
 * on a Unix socket. None crashes it, none reaches a codec before the
 * handshake, each ends in a typed error or a close for that connection only,
 * and a well-behaved client on another connection sees no error throughout.
 *
 * CI runs a few thousand inputs; `npm run soak` runs 100,000 per codec.
 */
import * as net from "node:net"
import { afterAll, expect, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { frame, FrameDecoder } from "../../src/protocol/Framing.ts"
import { answerFor } from "../../src/protocol/Handshake.ts"
import { protocolVersion } from "../../src/protocol/Messages.ts"
import { decodePickle, encodePickle } from "../../src/protocol/pickle/index.ts"
import { decodeReply, decodeRequest, encodeRequest } from "../../src/protocol/WireCodec.ts"
import { decodeXmlRpc, encodeXmlRpc } from "../../src/protocol/xmlrpc/index.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import * as Registry from "../../src/services/Registry.ts"
import { pickleFrames } from "../pickle/fixtures.ts"
import { mutate, prng, randomBytes } from "../support/mutate.ts"
import { assertNoSocket, unixAddress } from "../support/processes.ts"
import { scale } from "../support/soak.ts"

const authkey = new TextEncoder().encode("fuzz key")
const address = unixAddress("fuzz")
const perCodec = Number(process.env["FUZZ_N"] ?? scale(1500, 100_000))
const concurrency = 32
const deps = Layer.mergeAll(NodeTransport.layer, MemoryBackend.layer, Registry.layer(SyncManagerTypes.all))

/** A raw socket speaking frames, for hostile peers. */
const open = (path: string) =>
  new Promise<{
    readonly write: (bytes: Uint8Array) => void
    readonly next: (ms: number) => Promise<Uint8Array | "closed" | "timeout">
    readonly close: () => void
  }>((resolve) => {
    const socket = net.createConnection({ path })
    const decoder = new FrameDecoder(1 << 30)
    const frames: Array<Uint8Array> = []
    let closed = false
    let waiting: (() => void) | undefined
    socket.on("data", (c: Buffer) => {
      decoder.push(c)
      try {
        for (let f = decoder.next(); f !== undefined; f = decoder.next()) frames.push(f)
      } catch {
        closed = true
      }
      waiting?.()
    })
    socket.on("error", () => {})
    socket.on("close", () => {
      closed = true
      waiting?.()
    })
    socket.on("connect", () =>
      resolve({
        write: (bytes) => void socket.write(bytes),
        next: (ms) =>
          new Promise((done) => {
            const take = () => {
              const f = frames.shift()
              if (f !== undefined) return done(f)
              if (closed) return done("closed")
              return false
            }
            if (take() !== false) return
            const timer = setTimeout(() => {
              waiting = undefined
              done("timeout")
            }, ms)
            waiting = () => {
              if (take() !== false) {
                clearTimeout(timer)
                waiting = undefined
              }
            }
          }),
        close: () => socket.destroy()
      })
    )
  })

type Peer = Awaited<ReturnType<typeof open>>

const handshake = async (peer: Peer) => {
  const challenge = await peer.next(2000)
  if (!(challenge instanceof Uint8Array)) throw new Error(`no challenge: ${String(challenge)}`)
  peer.write(frame(answerFor(authkey, challenge.subarray(11)) as Uint8Array))
  const welcome = await peer.next(2000)
  if (!(welcome instanceof Uint8Array) || Buffer.from(welcome).toString() !== "#WELCOME#") throw new Error(`not welcomed: ${welcome instanceof Uint8Array ? Buffer.from(welcome).toString("latin1") : welcome}`)
  const body = Buffer.concat([Buffer.from("{sha256}"), Buffer.alloc(40, 7)])
  peer.write(frame(Buffer.concat([Buffer.from("#CHALLENGE#"), body])))
  await peer.next(2000)
  peer.write(frame(Buffer.from("#WELCOME#")))
}

// What a well-formed peer sends, to be mutated.
const nativeCorpus = [
  encodeRequest({ _tag: "Create", id: 2, typeid: "dict", args: [{ a: 1 }], kwargs: null }),
  encodeRequest({ _tag: "Call", id: 3, object: "0001", method: "__getitem__", args: ["a", [1, { b: new Uint8Array(4) }]], kwargs: null, caller: 1, trace: null }),
  encodeRequest({ _tag: "Incref", id: 4, object: "0001" }),
  encodeRequest({ _tag: "NumberOfObjects", id: 5 }),
  encodeRequest({ _tag: "Cancel", id: 6, target: 3 })
]
const pickleCorpus = [
  ...pickleFrames().filter((f) => f.dir === "c2s").slice(0, 40).map((f) => f.payload),
  encodePickle(Tuple.of<unknown>(null, "create", Tuple.of<unknown>("list", [1, 2.5, "x", new Uint8Array(3)]), new Map()))
]
const xmlCorpus = [
  encodeXmlRpc(Tuple.of<unknown>(null, "create", Tuple.of<unknown>("dict"), new Map([["a", 1]]))),
  encodeXmlRpc(Tuple.of<unknown>(null, "number_of_objects", Tuple.of(), new Map())),
  encodeXmlRpc(Tuple.of<unknown>("0001", "put", Tuple.of<unknown>(Tuple.of<unknown>("hello", null, true, 2.25)), new Map()))
]

/**
 * Whether `input` is a well-formed shutdown request: any peer that holds the
 * key may stop the manager (as in CPython), so the fuzz leaves those out.
 */
const asksShutdown = (input: Uint8Array): boolean => {
  const native = decodeRequest(input)
  if (Result.isSuccess(native)) return native.success._tag === "Shutdown"
  for (const decode of [decodePickle, decodeXmlRpc]) {
    try {
      const message = decode(input)
      if (Array.isArray(message) && message[1] === "shutdown") return true
    } catch {
      // not this dialect
    }
  }
  return false
}

afterAll(() => assertNoSocket(address))

it.live(`${perCodec} generated inputs per stage: no crash, no decode before the handshake, a typed error per connection`, () =>
  Effect.gen(function*() {
    const server = yield* ServerLive.make({ address, authkey, leaseGrace: 0, maxFrameSize: 1 << 20 })
    const good = yield* ManagerClient.make({ address, authkey, heartbeatInterval: "1 hour" })
    const d = yield* good.dict<string, number>()
    const path = address.slice(5)
    // Each input has a PRNG of its own, so that it is the same whatever order peers run in.
    const randomFor = (stage: number, i: number) => prng(20261122 + stage * 1_000_003 + i)
    // What the server's dialects have decoded: nothing of a peer that has not authenticated.
    const counters = () => Effect.runSync(Effect.map(server.stats, (s) => s.decodedFrames))
    let goodCalls = 0
    // The well-behaved client, between hostile peers (which run concurrently with it).
    const checkGood = (i: number) =>
      Effect.gen(function*() {
        yield* d.set(`n${i}`, i)
        expect(yield* d.getItem(`n${i}`)).toBe(i)
        goodCalls++
      })
    const outcomes = new Map<string, number>()
    const note = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1)

    // 1. Before authentication: raw bytes where frames belong, and mutated answers to the challenge.
    const before = counters()
    // Many hostile peers at once: a peer the server leaves waiting costs a timeout, not the run.
    yield* Effect.forEach(Array.from({ length: perCodec }, (_, i) => i), (i) =>
      Effect.promise(async () => {
        const random = randomFor(0, i)
        const peer = await open(path)
        if (i % 2 === 0) {
          peer.write(i % 4 === 0 ? randomBytes(random, 600) : frame(randomBytes(random, 300)))
        } else {
          const challenge = await peer.next(2000)
          const answer = answerFor(authkey, (challenge as Uint8Array).subarray(11)) as Uint8Array
          const mutated = mutate(answer, random)
          peer.write(frame(mutated))
          // Whatever it is, a pickle follows: it must not be decoded.
          peer.write(frame(pickleCorpus[0]!))
          const r = await peer.next(200)
          // Only the right answer is welcomed (a mutation may leave it as it was).
          const welcomed = r instanceof Uint8Array && Buffer.from(r).toString() === "#WELCOME#"
          expect(welcomed).toBe(Buffer.from(mutated).equals(answer))
          note(`pre-auth:${welcomed ? "welcomed-unchanged-answer" : r instanceof Uint8Array ? Buffer.from(r).toString("latin1").slice(0, 11) : r}`)
          return peer.close()
        }
        const r = await peer.next(200)
        note(`pre-auth:${r instanceof Uint8Array ? Buffer.from(r).toString("latin1").slice(0, 11) : r}`)
        peer.close()
      }), { concurrency, discard: true })
    // The codecs count every decode in this process; the good client's would count too, so it waits.
    expect(counters()).toEqual(before)
    yield* checkGood(-1)

    // 2. After authentication: each dialect's frames, mutated.
    const stages = [
      { name: "native", corpus: nativeCorpus, hello: true },
      { name: "pickle", corpus: pickleCorpus, hello: false },
      { name: "xmlrpc", corpus: xmlCorpus, hello: false }
    ] as const
    for (const [n, stage] of stages.entries()) {
      yield* Effect.forEach(Array.from({ length: perCodec }, (_, i) => i), (i) =>
        Effect.andThen(
          Effect.promise(async () => {
            const random = randomFor(n + 1, i)
            const peer = await open(path)
            await handshake(peer)
            if (stage.hello) {
              peer.write(frame(encodeRequest({ _tag: "Hello", id: 1, session: `fuzz-${stage.name}-${i}`, version: protocolVersion })))
              await peer.next(2000)
            }
            const input = i % 10 === 0
              ? randomBytes(random, 400)
              : mutate(stage.corpus[Math.floor(random() * stage.corpus.length)]!, random)
            if (asksShutdown(input)) {
              peer.close()
              return note(`${stage.name}:shutdown-left-out`)
            }
            peer.write(frame(input))
            const r = await peer.next(100)
            peer.close()
            if (!(r instanceof Uint8Array)) return note(`${stage.name}:${r}`)
            // Whatever the server answered is a well-formed reply of the dialect the first byte chose.
            if (r[0] !== 0x80 && r[0] !== 0x3c) {
              const reply = decodeReply(r)
              if (!Result.isSuccess(reply)) throw new Error(`an ill-formed reply to ${Buffer.from(input).toString("hex")}`)
              note(`${stage.name}->native:${reply.success._tag}`)
            } else if (r[0] === 0x80) {
              const reply = decodePickle(r) as Array<unknown>
              expect(typeof reply[0]).toBe("string")
              note(`${stage.name}->pickle:${String(reply[0])}`)
            } else {
              const reply = decodeXmlRpc(r) as Array<unknown>
              expect(typeof reply[0]).toBe("string")
              note(`${stage.name}->xmlrpc:${String(reply[0])}`)
            }
          }),
          i % 100 === 0 ? checkGood(i) : Effect.void
        ), { concurrency, discard: true })
    }
    yield* checkGood(-2)
    // Sessions of the hostile peers of our dialect are gone (grace 0), and so is everything
    // they created. What CPython-dialect peers created stays, held by the 'python' session,
    // as in CPython: its clients take and give back references over connections of their own.
    yield* Effect.sleep("100 millis")
    yield* d.releaseProxy
    yield* good.ping // the decref is processed before the ping is answered
    const left = yield* server.debugInfo
    for (const o of left) expect(Object.keys(o.sessions)).toEqual(["python"])
    console.log(`objects left to the python session: ${left.length}`)
    expect(process.memoryUsage().arrayBuffers).toBeLessThan(256 * 1024 * 1024)
    expect(goodCalls).toBe(2 + 3 * Math.ceil(perCodec / 100))
    console.log(`${4 * perCodec} hostile peers; the good client's ${goodCalls} checks all passed`)
    console.log(JSON.stringify(Object.fromEntries([...outcomes].sort())))
  }).pipe(Effect.scoped, Effect.provide(deps)), { timeout: 900_000 })
