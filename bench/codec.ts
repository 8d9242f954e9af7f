/**
 * Our dialect's wire codec, measured: SchemaBinary (effect/encoding) against
 * msgpackr, on the messages a call makes (a Call request and its Return
 * reply), encode and decode with validation, plus a 1 KiB bytes value.
 *
 *   npx node bench/codec.ts
 */
import { Schema } from "effect"
import { SchemaBinary } from "effect/encoding"
import * as M from "../src/protocol/Messages.ts"
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from "../src/protocol/WireCodec.ts"

const call = { _tag: "Call" as const, id: 12345, object: "3fa9c11", method: "__setitem__", args: ["user:42", { name: "Ada", age: 36 }], kwargs: null, caller: 17, trace: null }
const reply = { _tag: "Return" as const, id: 12345, value: { name: "Ada", age: 36, tags: ["a", "b"] } }
const bytesReply = { _tag: "Return" as const, id: 1, value: new Uint8Array(1024) }

// SchemaBinary can only carry what its schema describes: `unknown` goes as JSON inside.
const CallSchema = Schema.Struct({ _tag: Schema.Literal("Call"), id: Schema.Number, object: Schema.String, method: Schema.String, args: Schema.Array(Schema.Unknown), kwargs: Schema.NullOr(Schema.Record(Schema.String, Schema.Unknown)), caller: Schema.Number })
const ReturnSchema = Schema.Struct({ _tag: Schema.Literal("Return"), id: Schema.Number, value: Schema.Unknown })
const BytesReturnSchema = Schema.Struct({ _tag: Schema.Literal("Return"), id: Schema.Number, value: Schema.Uint8Array })
const callCodec = SchemaBinary.toCodec(CallSchema)
const returnCodec = SchemaBinary.toCodec(ReturnSchema)
const bytesCodec = SchemaBinary.toCodec(BytesReturnSchema)
const sbEncodeCall = Schema.encodeUnknownSync(callCodec)
const sbDecodeCall = Schema.decodeUnknownSync(callCodec)
const sbEncodeReturn = Schema.encodeUnknownSync(returnCodec)
const sbDecodeReturn = Schema.decodeUnknownSync(returnCodec)
const sbEncodeBytes = Schema.encodeUnknownSync(bytesCodec)
const sbDecodeBytes = Schema.decodeUnknownSync(bytesCodec)

const measure = (name: string, f: () => void) => {
  for (let i = 0; i < 20_000; i++) f()
  const runs: Array<number> = []
  for (let r = 0; r < 5; r++) {
    const n = 100_000
    const t = performance.now()
    for (let i = 0; i < n; i++) f()
    runs.push(((performance.now() - t) * 1000) / n)
  }
  runs.sort((a, b) => a - b)
  return { name, micros: runs[2]! }
}

const results = [
  measure("msgpackr  Call   encode+decode", () => decodeRequest(encodeRequest(call as M.Request))),
  measure("SchemaBin Call   encode+decode", () => sbDecodeCall(sbEncodeCall(call))),
  measure("msgpackr  Return encode+decode", () => decodeReply(encodeReply(reply as M.Reply))),
  measure("SchemaBin Return encode+decode", () => sbDecodeReturn(sbEncodeReturn(reply))),
  measure("msgpackr  1 KiB  encode+decode", () => decodeReply(encodeReply(bytesReply as M.Reply))),
  measure("SchemaBin 1 KiB  encode+decode", () => sbDecodeBytes(sbEncodeBytes(bytesReply)))
]
const sizes = {
  msgpackrCall: encodeRequest(call as M.Request).length,
  schemaBinaryCall: sbEncodeCall(call).length,
  msgpackrReturn: encodeReply(reply as M.Reply).length,
  schemaBinaryReturn: sbEncodeReturn(reply).length
}
for (const r of results) console.log(`${r.name.padEnd(34)} ${r.micros.toFixed(2).padStart(6)} µs`)
console.log("bytes:", JSON.stringify(sizes))
