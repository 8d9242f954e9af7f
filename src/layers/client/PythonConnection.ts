/**
 * Connections to a stock CPython manager: a control connection per control
 * request (as CPython's own client opens), and method connections
 * (`accept_connection`) that carry one request at a time, pooled and lent to
 * one calling fiber at a time, because a CPython server ties Lock, RLock and
 * Condition ownership to the connection.
 *
 * @since 0.1.0
 */
import { Effect, type Fiber, Scope, Exit } from "effect"
import { ConnectionLost, ManagerUnavailable } from "../../domain/ManagerErrors.ts"
import type { Token } from "../../domain/Token.ts"
import { Tuple } from "../../domain/values/Tuple.ts"
import { handshakeMaxFrameSize } from "../../protocol/Framing.ts"
import { clientHandshake } from "../../protocol/Handshake.ts"
import { decodePickle, encodePickle, type ProxyWrite } from "../../protocol/pickle/index.ts"
import { type Connection, Transport, type TransportOptions } from "../../services/Transport.ts"

/** A reply from a CPython server: its kind (`#RETURN`, ...) and value, and the proxies in it. @since 0.1.0 */
export interface PythonReply {
  readonly kind: string
  readonly value: unknown
  readonly tokens: ReadonlyArray<Token>
}

/** @since 0.1.0 */
export interface PythonConnectOptions extends TransportOptions {
  readonly address: string
  readonly authkey: Uint8Array
  readonly strictAuth?: boolean | undefined
  /** How a Token in an argument is written (a proxy class the server can rebuild it with). */
  readonly proxyFor: (token: Token) => ProxyWrite | undefined
}

/** @since 0.1.0 */
export interface PythonConnections {
  /** One control request on a connection of its own. */
  readonly control: (funcname: string, args: ReadonlyArray<unknown>, kwds?: ReadonlyMap<string, unknown>) => Effect.Effect<PythonReply, ConnectionLost>
  /** One method call on the calling fiber's method connection. */
  readonly call: (
    ident: string,
    method: string,
    args: ReadonlyArray<unknown>,
    kwds: ReadonlyMap<string, unknown> | undefined
  ) => Effect.Effect<PythonReply, ConnectionLost>
}

interface MethodConnection {
  readonly connection: Connection
  readonly scope: Scope.Closeable
}

/**
 * The connections of one client to one CPython manager; all close with the
 * scope.
 *
 * @since 0.1.0
 */
export const make = (options: PythonConnectOptions) =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const outer = yield* Effect.scope
    const lost = (cause: unknown) => new ConnectionLost({ address: options.address, cause })

    const open = (scope: Scope.Scope) =>
      Effect.gen(function*() {
        const connection = yield* transport.connect(options.address, options).pipe(Scope.provide(scope))
        yield* clientHandshake({
          send: (p) => Effect.sync(() => connection.sendUnsafe(p)),
          receive: (limit) => connection.receive(Math.min(limit, handshakeMaxFrameSize))
        }, { authkey: options.authkey, strict: options.strictAuth })
        return connection
      })

    const exchange = (connection: Connection, request: unknown) =>
      Effect.gen(function*() {
        connection.sendUnsafe(encodePickle(request, { proxyFor: options.proxyFor }))
        const frame = yield* connection.receive()
        const tokens: Array<Token> = []
        const reply = decodePickle(frame, { onProxy: (t) => void tokens.push(t) })
        if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[0] !== "string") {
          return yield* Effect.fail(lost(new Error("a CPython reply is a (kind, value) pair")))
        }
        return { kind: reply[0], value: reply[1], tokens }
      })

    const control: PythonConnections["control"] = (funcname, args, kwds) =>
      Effect.scoped(Effect.gen(function*() {
        const connection = yield* open(yield* Effect.scope)
        return yield* exchange(connection, Tuple.of<unknown>(null, funcname, Tuple.fromArray(args), kwds ?? new Map()))
      })).pipe(Effect.mapError((e) => (e._tag === "ConnectionLost" ? e : lost(e))))

    const idle: Array<MethodConnection> = []
    const lent = new Map<number, MethodConnection>()
    let nextName = 0

    const openMethodConnection = Effect.gen(function*() {
      const scope = yield* Scope.fork(outer)
      const connection = yield* open(scope)
      const accepted = yield* exchange(connection, Tuple.of<unknown>(null, "accept_connection", Tuple.of(`effect-${++nextName}`), new Map()))
      if (accepted.kind !== "#RETURN") return yield* Effect.fail(lost(new Error(String(accepted.value))))
      return { connection, scope } satisfies MethodConnection
    })

    // A fiber keeps its connection while it lives (ownership follows it), then gives it back.
    const lend = (fiber: Fiber.Fiber<unknown, unknown>) =>
      Effect.suspend(() => {
        const mine = lent.get(fiber.id)
        if (mine !== undefined) return Effect.succeed(mine)
        const reuse = idle.pop()
        return Effect.map(reuse === undefined ? openMethodConnection : Effect.succeed(reuse), (m) => {
          lent.set(fiber.id, m)
          fiber.addObserver(() => {
            if (lent.get(fiber.id) !== m) return
            lent.delete(fiber.id)
            if (!m.connection.isClosed()) idle.push(m)
          })
          return m
        })
      })

    const call: PythonConnections["call"] = (ident, method, args, kwds) =>
      Effect.withFiber((fiber) =>
        Effect.flatMap(lend(fiber), (m) =>
          exchange(m.connection, Tuple.of<unknown>(ident, method, Tuple.fromArray(args), kwds ?? new Map())).pipe(
            // A CPython server cannot cancel a call: the connection is given up instead.
            Effect.onInterrupt(() =>
              Effect.sync(() => lent.delete(fiber.id)).pipe(Effect.andThen(Scope.close(m.scope, Exit.void)))
            ),
            Effect.tapError(() => Effect.sync(() => lent.delete(fiber.id)).pipe(Effect.andThen(Scope.close(m.scope, Exit.void))))
          )
        )
      ).pipe(Effect.mapError((e) => (e._tag === "ConnectionLost" ? e : lost(e))))

    // Checks the manager answers and the key is right, as CPython's connect() does with 'dummy'.
    yield* Effect.scoped(Effect.gen(function*() {
      const connection = yield* open(yield* Effect.scope)
      return yield* exchange(connection, Tuple.of<unknown>(null, "dummy", Tuple.of(), new Map()))
    })).pipe(
      Effect.mapError((e) => (e._tag === "AuthenticationError" ? e : new ManagerUnavailable({ address: options.address, cause: e })))
    )
    return { control, call } satisfies PythonConnections
  })
