/**
 * Our dialect's wire for the client core: every request on one multiplexed
 * connection, and the rule for interrupted calls applied on this side. An
 * interrupted call's Cancel goes to the server, and its one reply still
 * comes: `Cancelled` (it had no effect), or the late result, which goes back
 * with Undo (the server's compensator puts the item back, releases the
 * grant) before the references in it are released, in that order, so a
 * proxy going back into a queue is never freed.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { type CallError, RemoteError } from "../../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../../domain/ObjectInfo.ts"
import type { Token } from "../../domain/Token.ts"
import type { Request } from "../../protocol/Messages.ts"
import type { ServerStats } from "../../services/Server.ts"
import type { ClientConnection, Received, RequestOptions } from "./ClientConnection.ts"
import type { Wire, WireReply } from "./ClientCore.ts"

// A reply the server gives only to a request we cancelled: reaching a caller means a bug.
const cancelledByServer = new RemoteError({ text: "the call was cancelled on the server\n" })

const toWireReply = ({ reply, tokens }: Received): WireReply => {
  switch (reply._tag) {
    case "Return":
      return { _tag: "Return", value: reply.value, tokens }
    case "Proxy":
      return { _tag: "Proxy", token: reply.token, exposed: reply.exposed }
    case "Error":
      return { _tag: "Failure", error: reply.error }
    case "Traceback":
      return { _tag: "Failure", error: new RemoteError({ text: reply.text }) }
    case "Unserializable":
      return { _tag: "Failure", error: new RemoteError({ text: `Unserializable message: ${reply.text}` }) }
    case "Cancelled":
      return { _tag: "Failure", error: cancelledByServer }
  }
}

const plain = (reply: WireReply): Effect.Effect<unknown, unknown> => {
  switch (reply._tag) {
    case "Return":
      return Effect.succeed(reply.value)
    case "Failure":
      return Effect.fail(reply.error)
    case "Proxy":
      return Effect.succeed(reply.token)
  }
}

/** What the wire needs besides its connection. @category models @since 0.1.0 */
export interface NativeWireOptions {
  /** Reports what could not be undone (a Barrier party that passed). */
  readonly warn: (message: string) => void
}

/**
 * The wire over a connection of ours.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (connection: ClientConnection, options: NativeWireOptions): Wire => {
  const decref = (token: Token) => connection.notify((id) => ({ _tag: "Decref", id, object: token.id }))

  // What a call's late result gives back when its caller has gone.
  const undoCall = (call: Extract<Request, { _tag: "Call" }>) => (received: Received) => {
    const reply = received.reply
    if (reply._tag === "Return" || reply._tag === "Proxy") {
      connection.notify((id) => ({
        _tag: "Undo",
        id,
        object: call.object,
        method: call.method,
        args: call.args,
        result: reply._tag === "Return" ? reply.value : reply.token,
        caller: call.caller
      }), (verdict) => {
        if (verdict.reply._tag === "Return" && verdict.reply.value === "irreversible") {
          options.warn(`${call.method} on ${call.object} completed after its caller was interrupted, and cannot be undone`)
        }
      })
    }
    for (const token of received.tokens) decref(token)
  }

  const control = <A>(build: (id: number) => Request, requestOptions?: RequestOptions) =>
    connection.request(build, (received) => plain(toWireReply(received)), requestOptions) as Effect.Effect<A, CallError>

  return {
    address: connection.address,
    session: connection.session,
    call: (c, onReply) => {
      let sent: Extract<Request, { _tag: "Call" }> | undefined
      return connection.request(
        (id) => (sent = {
          _tag: "Call",
          id,
          object: c.token.id,
          method: c.method,
          args: c.args,
          kwargs: c.kwargs ?? null,
          caller: c.caller,
          trace: c.trace
        }),
        (received) => onReply(toWireReply(received)),
        { cancellable: true, onAbandoned: (received) => undoCall(sent!)(received) }
      )
    },
    // Not cancellable: a create runs to its end, and one nobody waits for gives its object back.
    create: (typeid, args, kwargs, onReply) =>
      connection.request(
        (id) => ({ _tag: "Create", id, typeid, args, kwargs: kwargs ?? null }),
        (received) => onReply(toWireReply(received))
      ),
    incref: (token) =>
      Effect.asVoid(control((id) => ({ _tag: "Incref", id, object: token.id }), {
        // A reference taken for a caller that has gone goes back.
        onAbandoned: (received) => {
          if (received.reply._tag === "Return") decref(token)
        }
      })),
    decref: (token) => Effect.sync(() => decref(token)),
    // The server counted a reference for every token of its own that a reply carries.
    adopt: (tokens) => Effect.succeed(tokens.filter((t) => t.address === connection.address)),
    numberOfObjects: control<number>((id) => ({ _tag: "NumberOfObjects", id })),
    debugInfo: control<ReadonlyArray<ObjectInfo>>((id) => ({ _tag: "DebugInfo", id })),
    stats: control<ServerStats>((id) => ({ _tag: "Stats", id })),
    control: (name, args, kwargs) => control<unknown>((id) => ({ _tag: "Control", id, name, args, kwargs: kwargs ?? null })),
    ping: Effect.asVoid(control<string>((id) => ({ _tag: "Ping", id }))),
    shutdown: Effect.asVoid(control<null>((id) => ({ _tag: "Shutdown", id })))
  }
}
