/**
 * The HMAC challenge, checked against every handshake CPython peers made in
 * the captured transcripts (authkey b'secret'), then run both ways between
 * our two halves.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Queue } from "effect"
import { answerFor, clientHandshake, serverHandshake, verifyAnswer } from "../../src/protocol/Handshake.ts"
import { readTranscript, transcriptFiles } from "../pickle/fixtures.ts"

const secret = new TextEncoder().encode("secret")
const CHALLENGE = "#CHALLENGE#"
const text = (b: Uint8Array) => Buffer.from(b).toString("latin1")

describe("handshake", () => {
  it("every challenge in the transcripts gets the answer CPython gave, and every answer verifies", () => {
    let checked = 0
    for (const file of transcriptFiles()) {
      const frames = readTranscript(file)
      for (let i = 0; i + 2 < frames.length; i++) {
        const challenge = frames[i]!
        if (!text(challenge.payload).startsWith(CHALLENGE)) continue
        const answer = frames[i + 1]!
        const verdict = text(frames[i + 2]!.payload)
        if (answer.conn !== challenge.conn || answer.dir === challenge.dir) continue
        const body = challenge.payload.subarray(CHALLENGE.length)
        const failure = verifyAnswer(secret, body, answer.payload, false)
        if (verdict === "#WELCOME#") {
          expect(failure).toBeUndefined()
          // An md5 answer to a sha256 challenge is what a 3.11 peer sends; ours answers in the challenge's digest.
          const ours = answerFor(secret, body)
          expect(ours).toBeInstanceOf(Uint8Array)
          expect(verifyAnswer(secret, body, ours as Uint8Array, body.length !== 20)).toBeUndefined()
          if (answer.payload.length !== 16) expect(Buffer.from(ours as Uint8Array).equals(Buffer.from(answer.payload))).toBe(true)
        } else {
          expect(verdict).toBe("#FAILURE#")
          expect(failure?._tag).toBe("AuthenticationError")
        }
        checked++
      }
    }
    expect(checked).toBeGreaterThan(200)
  })

  it("strict mode refuses the legacy md5 answers of 3.11 peers", () => {
    const frames = readTranscript("hs_client311_server313.jsonl")
    const i = frames.findIndex((f) => f.dir === "s2c" && text(f.payload).startsWith(CHALLENGE))
    const body = frames[i]!.payload.subarray(CHALLENGE.length)
    expect(verifyAnswer(secret, body, frames[i + 1]!.payload, false)).toBeUndefined()
    expect(verifyAnswer(secret, body, frames[i + 1]!.payload, true)?.reason).toContain("strict")
  })

  const pipe = () =>
    Effect.gen(function*() {
      const a = yield* Queue.unbounded<Uint8Array>()
      const b = yield* Queue.unbounded<Uint8Array>()
      const io = (inbox: Queue.Queue<Uint8Array>, outbox: Queue.Queue<Uint8Array>) => ({
        send: (p: Uint8Array) => Queue.offer(outbox, p).pipe(Effect.asVoid),
        receive: (limit: number) =>
          Effect.flatMap(Queue.take(inbox), (p) => p.length > limit ? Effect.die("frame over the limit") : Effect.succeed(p))
      })
      return { server: io(a, b), client: io(b, a) }
    })

  it.effect("both halves agree on the same key, including the empty key", () =>
    Effect.gen(function*() {
      for (const key of [secret, new Uint8Array()]) {
        const { client, server } = yield* pipe()
        yield* Effect.all([serverHandshake(server, { authkey: key }), clientHandshake(client, { authkey: key })], {
          concurrency: 2
        })
      }
    }))

  it.effect("a wrong key fails both halves with AuthenticationError", () =>
    Effect.gen(function*() {
      const { client, server } = yield* pipe()
      const [s, c] = yield* Effect.all([
        Effect.flip(serverHandshake(server, { authkey: secret })),
        Effect.flip(clientHandshake(client, { authkey: new TextEncoder().encode("other") }))
      ], { concurrency: 2 })
      expect(s._tag).toBe("AuthenticationError")
      expect(c).toMatchObject({ _tag: "AuthenticationError", reason: "digest sent was rejected" })
    }))
})
