/**
 * CPython's mutual HMAC challenge, run before anything else is read from a
 * connection. The accepting side challenges first, then answers the peer's
 * challenge; the connecting side does the reverse. Challenges are
 * `#CHALLENGE#{sha256}` + 40 random bytes (3.12+) and answers
 * `{sha256}` + HMAC; raw HMAC-MD5 answers of 3.11 and older peers are
 * accepted unless strict mode is on.
 *
 * @since 0.1.0
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { Data, Effect } from "effect"

const CHALLENGE = Buffer.from("#CHALLENGE#")
const WELCOME = Buffer.from("#WELCOME#")
const FAILURE = Buffer.from("#FAILURE#")
const digests = ["md5", "sha256", "sha384", "sha3_256", "sha3_384"] as const
const nodeDigest: Record<string, string> = { sha3_256: "sha3-256", sha3_384: "sha3-384" }
const legacyLengths = new Set([16, 20])

/**
 * The peer failed the challenge, or rejected ours. The message never
 * contains the key.
 *
 * @category errors
 * @since 0.1.0
 */
export class AuthenticationError extends Data.TaggedError("AuthenticationError")<{
  readonly reason: string
}> {
  override get message(): string {
    return `authentication failed: ${this.reason}`
  }
}

/** What the handshake needs from a connection. @since 0.1.0 */
export interface HandshakeIO<E> {
  readonly send: (payload: Uint8Array) => Effect.Effect<void, E>
  /** The next frame, at most `limit` bytes long. */
  readonly receive: (limit: number) => Effect.Effect<Uint8Array, E>
}

/** @since 0.1.0 */
export interface HandshakeOptions {
  readonly authkey: Uint8Array
  /** Refuse legacy HMAC-MD5 answers (CPython 3.11 and older peers). */
  readonly strict?: boolean | undefined
}

const hmac = (name: string, key: Uint8Array, message: Uint8Array): Buffer =>
  createHmac(nodeDigest[name] ?? name, key).update(message).digest()

const startsWith = (b: Uint8Array, prefix: Uint8Array): boolean =>
  b.length >= prefix.length && Buffer.from(b.buffer, b.byteOffset, prefix.length).equals(prefix)

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a).equals(b)

// `{name}` at the start of a challenge or answer, when it is one we accept.
const digestPrefix = (b: Uint8Array): { readonly name: string; readonly length: number } | undefined => {
  if (b[0] !== 0x7b) return undefined
  const end = b.indexOf(0x7d)
  if (end < 0 || end > 20) return undefined
  const name = Buffer.from(b.subarray(1, end)).toString("latin1")
  return (digests as ReadonlyArray<string>).includes(name) ? { name, length: end + 1 } : undefined
}

/**
 * The answer to a challenge body (what follows `#CHALLENGE#`).
 *
 * @since 0.1.0
 */
export const answerFor = (authkey: Uint8Array, challenge: Uint8Array): Uint8Array | AuthenticationError => {
  if (challenge.length < 20) return new AuthenticationError({ reason: `challenge too short: ${challenge.length} bytes` })
  if (legacyLengths.has(challenge.length)) return hmac("md5", authkey, challenge)
  const prefix = digestPrefix(challenge)
  if (prefix === undefined) return new AuthenticationError({ reason: "unsupported digest in challenge" })
  return Buffer.concat([challenge.subarray(0, prefix.length), hmac(prefix.name, authkey, challenge)])
}

/**
 * Checks an answer to `challenge` (the body we sent after `#CHALLENGE#`).
 *
 * @since 0.1.0
 */
export const verifyAnswer = (
  authkey: Uint8Array,
  challenge: Uint8Array,
  answer: Uint8Array,
  strict: boolean
): AuthenticationError | undefined => {
  let name: string
  let mac: Uint8Array
  if (legacyLengths.has(answer.length)) {
    if (strict) return new AuthenticationError({ reason: "legacy md5 answer refused in strict mode" })
    name = "md5"
    mac = answer
  } else {
    const prefix = digestPrefix(answer)
    if (prefix === undefined) return new AuthenticationError({ reason: "unsupported digest in answer" })
    if (strict && prefix.name === "md5") return new AuthenticationError({ reason: "md5 answer refused in strict mode" })
    name = prefix.name
    mac = answer.subarray(prefix.length)
  }
  const expected = hmac(name, authkey, challenge)
  if (expected.length !== mac.length) {
    return new AuthenticationError({ reason: `expected ${name} of length ${expected.length}, got ${mac.length}` })
  }
  return timingSafeEqual(expected, mac) ? undefined : new AuthenticationError({ reason: "digest received was wrong" })
}

const deliverChallenge = <E>(io: HandshakeIO<E>, options: HandshakeOptions) =>
  Effect.gen(function*() {
    const body = Buffer.concat([Buffer.from("{sha256}"), randomBytes(40)])
    yield* io.send(Buffer.concat([CHALLENGE, body]))
    const answer = yield* io.receive(256)
    const failure = verifyAnswer(options.authkey, body, answer, options.strict === true)
    if (failure !== undefined) {
      yield* io.send(FAILURE)
      return yield* failure
    }
    yield* io.send(WELCOME)
  })

const answerChallenge = <E>(io: HandshakeIO<E>, options: HandshakeOptions) =>
  Effect.gen(function*() {
    const message = yield* io.receive(256)
    if (!startsWith(message, CHALLENGE)) {
      return yield* new AuthenticationError({ reason: "protocol error: expected a challenge" })
    }
    const answer = answerFor(options.authkey, message.subarray(CHALLENGE.length))
    if (answer instanceof AuthenticationError) return yield* answer
    yield* io.send(answer)
    const verdict = yield* io.receive(256)
    if (!equal(verdict, WELCOME)) return yield* new AuthenticationError({ reason: "digest sent was rejected" })
  })

/**
 * The accepting side's half: challenge the peer, then answer its challenge.
 *
 * @since 0.1.0
 */
export const serverHandshake = <E>(io: HandshakeIO<E>, options: HandshakeOptions) =>
  Effect.andThen(deliverChallenge(io, options), answerChallenge(io, options))

/**
 * The connecting side's half: answer the server's challenge, then challenge it.
 *
 * @since 0.1.0
 */
export const clientHandshake = <E>(io: HandshakeIO<E>, options: HandshakeOptions) =>
  Effect.andThen(answerChallenge(io, options), deliverChallenge(io, options))
