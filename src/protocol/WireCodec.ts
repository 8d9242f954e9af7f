/**
 * Messages of our dialect to bytes and back. On the wire a message is a
 * MessagePack array: a kind code, then its fields in a fixed order. Decoding
 * checks the shape against the message's Schema before anything acts on it,
 * and reports a malformed frame as a ProtocolError.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import type { Token } from "../domain/Token.ts"
import { ByteArray } from "../domain/values/PyObjects.ts"
import * as M from "./Messages.ts"
import { decodeValue, encodeValue } from "./ValueCodec.ts"
import { ProtocolError } from "./ProtocolError.ts"

export { ProtocolError } from "./ProtocolError.ts"

interface Kind {
  readonly code: number
  readonly tag: string
  readonly fields: ReadonlyArray<string>
  /** The check every message passes (a guard: cheaper than a decode, and no copy). */
  readonly is: (u: unknown) => boolean
  /** Why a message failed the check. */
  readonly explain: (u: unknown) => string
}

const kind = <S extends Schema.Top>(code: number, tag: string, fields: ReadonlyArray<string>, schema: S): Kind => {
  const decode = Schema.decodeUnknownResult(schema as never)
  return {
    code,
    tag,
    fields,
    is: Schema.is(schema as never) as (u: unknown) => boolean,
    explain: (u) => {
      const r = decode(u) as Result.Result<unknown, Schema.SchemaError>
      return Result.isFailure(r) ? r.failure.message : "invalid"
    }
  }
}

const requestKinds: ReadonlyArray<Kind> = [
  kind(1, "Hello", ["id", "session", "version"], M.Hello),
  kind(2, "Call", ["id", "object", "method", "args", "kwargs", "caller", "trace"], M.Call),
  kind(3, "Create", ["id", "typeid", "args", "kwargs"], M.Create),
  kind(4, "Incref", ["id", "object"], M.Incref),
  kind(5, "Decref", ["id", "object"], M.Decref),
  kind(6, "GetMethods", ["id", "object"], M.GetMethods),
  kind(7, "DebugInfo", ["id"], M.DebugInfo),
  kind(8, "NumberOfObjects", ["id"], M.NumberOfObjects),
  kind(9, "Shutdown", ["id"], M.Shutdown),
  kind(10, "Ping", ["id"], M.Ping),
  kind(11, "Cancel", ["id", "target"], M.Cancel),
  kind(12, "Undo", ["id", "object", "method", "args", "result", "caller"], M.Undo),
  kind(13, "Stats", ["id"], M.Stats),
  kind(14, "Control", ["id", "name", "args", "kwargs"], M.Control)
]

const replyKinds: ReadonlyArray<Kind> = [
  kind(20, "Return", ["id", "value"], M.Return),
  kind(21, "Error", ["id", "error"], M.Error),
  kind(22, "Traceback", ["id", "text"], M.Traceback),
  kind(23, "Unserializable", ["id", "text"], M.Unserializable),
  kind(24, "Proxy", ["id", "token", "exposed"], M.Proxy),
  kind(25, "Cancelled", ["id"], M.Cancelled)
]

const byCode = new Map<number, Kind>()
const byTag = new Map<string, Kind>()
for (const k of [...requestKinds, ...replyKinds]) {
  byCode.set(k.code, k)
  byTag.set(k.tag, k)
}

const toWire = (message: { readonly _tag: string }): Array<unknown> => {
  const k = byTag.get(message._tag)!
  const out: Array<unknown> = [k.code]
  for (const f of k.fields) out.push((message as Record<string, unknown>)[f])
  return out
}

const fromWire = (bytes: Uint8Array, kinds: "request" | "reply", tokens: Array<Token> | undefined): Result.Result<any, ProtocolError> => {
  let decoded: unknown
  try {
    decoded = decodeValue(bytes, tokens)
  } catch (e) {
    return Result.fail(new ProtocolError({ reason: `undecodable frame: ${(e as Error)?.message ?? String(e)}` }))
  }
  if (!Array.isArray(decoded) || typeof decoded[0] !== "number") {
    return Result.fail(new ProtocolError({ reason: "a message is an array that starts with its kind" }))
  }
  const k = byCode.get(decoded[0])
  const isRequest = k !== undefined && k.code < 20
  if (k === undefined || isRequest !== (kinds === "request")) {
    return Result.fail(new ProtocolError({ reason: `unknown ${kinds} kind ${decoded[0]}` }))
  }
  if (decoded.length !== k.fields.length + 1) {
    return Result.fail(new ProtocolError({ reason: `${k.tag} has ${k.fields.length} fields, got ${decoded.length - 1}` }))
  }
  const message: Record<string, unknown> = { _tag: k.tag }
  for (let i = 0; i < k.fields.length; i++) message[k.fields[i]!] = decoded[i + 1]
  return k.is(message)
    ? Result.succeed(message)
    : Result.fail(new ProtocolError({ reason: `${k.tag}: ${k.explain(message)}` }))
}

/** Encodes a request. @since 0.1.0 */
export const encodeRequest = (request: M.Request, tokens?: Array<Token>): Uint8Array => encodeValue(toWire(request), tokens)

/** Encodes a reply; throws when its value cannot be encoded. @since 0.1.0 */
export const encodeReply = (reply: M.Reply, tokens?: Array<Token>): Uint8Array => encodeValue(toWire(reply), tokens)

// Past this size, a bytes result is not copied into the encoder's buffer: it is sent as it is.
const zeroCopyFrom = 64 * 1024

/**
 * A reply as the parts of one frame. A large bytes result goes out as its
 * own part, behind the few bytes of MessagePack that introduce it, so it is
 * never copied; anything else is one part.
 *
 * @since 0.1.0
 */
export const encodeReplyParts = (reply: M.Reply, tokens?: Array<Token>): ReadonlyArray<Uint8Array> => {
  if (reply._tag === "Return" && reply.value instanceof Uint8Array && reply.value.constructor !== ByteArray && reply.value.length >= zeroCopyFrom) {
    const bytes = reply.value
    // [20, id, <bin 32 header>] then the bytes: the same message encodeReply would write.
    const head = encodeValue([20, reply.id])
    const prefix = new Uint8Array(head.length + 5)
    prefix.set(head)
    prefix[0] = 0x93 // a fixarray of three, not two
    const n = bytes.length
    prefix.set([0xc6, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], head.length)
    return [prefix, bytes]
  }
  return [encodeReply(reply, tokens)]
}

/** Decodes and checks a request; tokens in it are pushed to `tokens` when given. @since 0.1.0 */
export const decodeRequest = (bytes: Uint8Array, tokens?: Array<Token>): Result.Result<M.Request, ProtocolError> =>
  fromWire(bytes, "request", tokens)

/** Decodes and checks a reply; tokens in it are pushed to `tokens` when given. @since 0.1.0 */
export const decodeReply = (bytes: Uint8Array, tokens?: Array<Token>): Result.Result<M.Reply, ProtocolError> =>
  fromWire(bytes, "reply", tokens)
