/**
 * CPython's wire for the client core: control requests on connections of
 * their own, method calls on the calling fiber's method connection, and
 * CPython's rule for references in replies: the server counted none for us,
 * so each proxy in a result takes one first.
 *
 * What CPython's protocol cannot do, this wire does not pretend to: a call
 * cannot be cancelled on a CPython server (interrupting one gives up its
 * connection, and the server finishes the call on its own).
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type CallError, RemoteError } from "../../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../../domain/ObjectInfo.ts"
import { Token } from "../../domain/Token.ts"
import type { PythonConnections, PythonReply } from "./PythonConnection.ts"
import type { Wire, WireReply } from "./ClientCore.ts"

const failure = (reply: PythonReply): unknown => {
  switch (reply.kind) {
    case "#ERROR":
      return reply.value
    case "#TRACEBACK":
      return new RemoteError({ text: String(reply.value) })
    case "#UNSERIALIZABLE":
      return new RemoteError({ text: `Unserializable message: ${String(reply.value)}` })
    default:
      return new RemoteError({ text: `Unrecognized message type ${JSON.stringify(reply.kind)}` })
  }
}

const kwargsOf = (record: Readonly<Record<string, unknown>> | undefined): ReadonlyMap<string, unknown> | undefined =>
  record === undefined ? undefined : new Map(Object.entries(record))

const parseDebugInfo = (text: string): Array<ObjectInfo> => {
  const out: Array<ObjectInfo> = []
  const lines = text.split("\n")
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const m = /^\s*(\S+):\s+refcount=(\d+)/.exec(lines[i]!)
    if (m === null) continue
    out.push({ id: m[1]!, typeid: "", refcount: Number(m[2]), description: lines[i + 1]!.trim(), sessions: {}, heldBy: {} })
  }
  return out
}

/**
 * The wire over connections to a CPython manager at `address`; `exposedOf`
 * remembers the exposed methods the server named for each object, which a
 * token written to it as an AutoProxy carries.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (
  connections: PythonConnections,
  address: string,
  session: string,
  exposedOf: Map<string, ReadonlyArray<string>>
): Wire => {
  const control = <A>(funcname: string, args: ReadonlyArray<unknown> = [], kwargs?: Readonly<Record<string, unknown>>) =>
    Effect.flatMap(connections.control(funcname, args, kwargsOf(kwargs)), (reply) =>
      reply.kind === "#RETURN" ? Effect.succeed(reply.value as A) : Effect.fail(failure(reply) as CallError))

  const replyOf = (reply: PythonReply): WireReply => {
    if (reply.kind === "#RETURN") return { _tag: "Return", value: reply.value, tokens: reply.tokens }
    if (reply.kind === "#PROXY") {
      // (exposed, token): the server made it with one reference, ours.
      const [exposed, token] = reply.value as [ReadonlyArray<string>, Token]
      exposedOf.set(token.id, [...exposed])
      return { _tag: "Proxy", token, exposed: [...exposed] }
    }
    return { _tag: "Failure", error: failure(reply) }
  }

  return {
    address,
    session,
    call: (c, onReply) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(connections.call(c.token.id, c.method, c.args, kwargsOf(c.kwargs))), (reply) => onReply(replyOf(reply)))),
    create: (typeid, args, kwargs, onReply) =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(restore(connections.control("create", [typeid, ...args], kwargsOf(kwargs))), (reply) => {
          if (reply.kind !== "#RETURN") return onReply({ _tag: "Failure", error: failure(reply) })
          const [id, exposed] = reply.value as [string, ReadonlyArray<string>]
          exposedOf.set(id, [...exposed])
          return onReply({ _tag: "Proxy", token: new Token(typeid, address, id), exposed: [...exposed] })
        })),
    incref: (token) => Effect.asVoid(control<null>("incref", [token.id])),
    decref: (token) =>
      Effect.suspend(() => {
        exposedOf.delete(token.id)
        return Effect.ignore(connections.control("decref", [token.id]))
      }),
    // CPython's server counted no reference for the proxies in a result: take one for each.
    adopt: (tokens) =>
      Effect.filter(tokens, (token) =>
        token.address !== address
          ? Effect.succeed(false)
          : Effect.map(Effect.orElseSucceed(connections.control("incref", [token.id]), () => undefined), (r) => r?.kind === "#RETURN")),
    numberOfObjects: control<number>("number_of_objects"),
    debugInfo: Effect.map(control<string>("debug_info"), parseDebugInfo),
    stats: Effect.fail(new RemoteError({ text: "a CPython manager keeps no connection counters\n" })),
    control: (name, args, kwargs) => control<unknown>(name, args, kwargs),
    ping: Effect.asVoid(control<null>("dummy")),
    shutdown: Effect.asVoid(control<null>("shutdown"))
  }
}
