/**
 * The Server: listens through the Transport, authenticates every connection
 * with the HMAC challenge before reading anything else, tells the dialect from
 * the first frame (a pickle or an XML-RPC frame is a CPython peer; anything
 * else is ours), and serves it. One connection's failure never touches the
 * others.
 *
 * A connection has `handshakeTimeout` to authenticate and send its first
 * frame, and connections still authenticating have a cap of their own, so
 * peers that connect and say nothing cannot take the places of clients.
 *
 * @since 0.1.0
 */
import { Context, Deferred, Duration, Effect, Exit, FiberMap, FiberSet, Layer, Scope } from "effect"
import { defaultMaxFrameSize, handshakeMaxFrameSize } from "../protocol/Framing.ts"
import { serverHandshake } from "../protocol/Handshake.ts"
import { RefcountStore } from "../services/RefcountStore.ts"
import { Registry } from "../services/Registry.ts"
import { Server, type ServerOptions, type ServerStats } from "../services/Server.ts"
import { LocalObjects } from "../services/LocalObjects.ts"
import { SharedState } from "../services/SharedState.ts"
import { type Connection, Transport } from "../services/Transport.ts"
import { Leases } from "./server/Leases.ts"
import * as LocalCalls from "./server/LocalCalls.ts"
import { type Dialect, dialectOf } from "./server/Dialect.ts"
import * as NativeDialect from "./server/NativeDialect.ts"
import { Objects } from "./server/Objects.ts"
import * as PythonDialect from "./server/PythonDialect.ts"
import type { SessionContext } from "./server/Session.ts"
import { LimitExceeded } from "../domain/ManagerErrors.ts"
import type { PeerCodec } from "./server/PythonDialect.ts"
import { decodeXmlRpc, encodeXmlRpc } from "../protocol/xmlrpc/index.ts"

/** The default lease grace period. @category constants @since 0.1.0 */
export const defaultLeaseGrace = Duration.seconds(3)

/** How long a connection has to authenticate and send its first frame, by default. @category defaults @since 0.1.0 */
export const defaultHandshakeTimeout = Duration.seconds(5)

// CPython's `serializer='xmlrpclib'`: one XML-RPC params document per frame.
const xmlRpc: PeerCodec = { name: "xmlrpclib", decode: (b) => decodeXmlRpc(b), encode: (v) => encodeXmlRpc(v) }

/** The dialects a server speaks, in the order it tries them on a first frame. @category dialects @since 0.1.0 */
export const dialects: ReadonlyArray<Dialect> = [PythonDialect.pickle, PythonDialect.xmlrpc(xmlRpc), NativeDialect.dialect]

/**
 * Builds a server in the current scope; closing the scope shuts it down.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: ServerOptions) =>
  Effect.gen(function*() {
    const transport = yield* Transport
    const registry = yield* Registry
    const store = yield* RefcountStore
    const backend = yield* SharedState
    // What factories may use: the backend, this server's other objects, and whatever else the server was given.
    const services = Context.add(yield* Effect.context<never>(), LocalObjects, LocalCalls.make(() => ctx))
    const maxFrameSize = options.maxFrameSize ?? defaultMaxFrameSize

    const listenerScope = yield* Scope.fork(yield* Effect.scope)
    const listener = yield* transport.listen(options.address, { maxFrameSize, tls: options.tls }).pipe(
      Scope.provide(listenerScope)
    )
    const stopped = yield* Deferred.make<void>()
    const connections = yield* FiberSet.make<void, never>()
    const runConnection = yield* FiberSet.runtime(connections)<never>()
    const runBackground = yield* FiberSet.makeRuntime<never, void, never>()

    const shutdown = Effect.gen(function*() {
      if (yield* Deferred.isDone(stopped)) return
      yield* Deferred.succeed(stopped, undefined)
      // Connections first: a listener does not finish closing while connections are open.
      yield* FiberSet.clear(connections)
      yield* Scope.close(listenerScope, Exit.void)
      yield* objects.clear
    }).pipe(Effect.uninterruptible)

    const objects = new Objects(store, listener.address)
    const interrupted = { cancelled: 0, undone: 0, irreversible: 0 }
    const frames = { decoded: 0 }
    const expiring = yield* FiberMap.make<string, void>()
    const runExpiry = yield* FiberMap.runtime(expiring)<never>()
    const leases = new Leases(objects, backend, {
      grace: Duration.fromInputUnsafe(options.leaseGrace ?? defaultLeaseGrace),
      releasePermits: options.releasePermitsOnExpiry ?? true
    }, expiring, (session, effect) => runExpiry(session, effect))
    let connectionIds = 0

    const ctx: SessionContext = {
      address: listener.address,
      registry,
      objects,
      services,
      leases,
      controls: new Map((options.controls ?? []).map((c) => [c.name, c])),
      nextConnectionId: () => ++connectionIds,
      observer: options.observer,
      maxInFlight: options.maxInFlight ?? 4096,
      idleTimeoutMillis: Duration.toMillis(Duration.fromInputUnsafe(options.idleTimeout ?? Duration.seconds(30))),
      maxObjectsPerSession: options.maxObjectsPerSession ?? 1_000_000,
      requestShutdown: Effect.sync(() => {
        runBackground(shutdown)
      }),
      stats: Effect.suspend(() => stats),
      interrupted,
      frames
    }

    const maxConnections = options.maxConnections ?? 10_000
    const maxPending = options.maxPendingConnections ?? 128
    const handshakeTimeout = Duration.fromInputUnsafe(options.handshakeTimeout ?? defaultHandshakeTimeout)
    let served = 0
    let pending = 0
    let accepted = 0
    const refused = { handshakeTimeout: 0, authentication: 0, pendingLimit: 0, connectionLimit: 0 }


    // Authenticate, then read the first frame, which says the dialect: both within the deadline.
    const authenticate = (connection: Connection) =>
      Effect.andThen(
        serverHandshake({
          send: (payload) => Effect.sync(() => connection.sendUnsafe(payload)),
          receive: (limit) => connection.receive(Math.min(limit, handshakeMaxFrameSize))
        }, { authkey: options.authkey, strict: options.strictAuth }).pipe(
          Effect.tapError((e) =>
            Effect.sync(() => {
              if (e._tag === "AuthenticationError") refused.authentication++
            })
          )
        ),
        connection.receive()
      ).pipe(
        Effect.timeoutOption(handshakeTimeout),
        Effect.tap((first) =>
          Effect.sync(() => {
            if (first._tag === "None") refused.handshakeTimeout++
          })
        )
      )

    const serveConnection = (connection: Connection) =>
      Effect.gen(function*() {
        const first = yield* Effect.ensuring(
          authenticate(connection),
          Effect.sync(() => pending--)
        )
        // Too slow to authenticate: dropped, not ended politely (it may not read at all).
        if (first._tag === "None") return yield* connection.abort
        if (served >= maxConnections) {
          refused.connectionLimit++
          // Refused after authentication, so that the refusal can say why.
          const refusal = new LimitExceeded({
            limit: "connections",
            max: maxConnections,
            message: `the manager serves at most ${maxConnections} connections`
          })
          dialectOf(dialects, first.value)?.refuse(connection, refusal)
          return
        }
        const dialect = dialectOf(dialects, first.value)
        if (dialect === undefined) return
        served++
        yield* Effect.ensuring(dialect.serve(ctx, connection, first.value), Effect.sync(() => served--))
      }).pipe(
        // An unauthenticated or broken peer costs only its own connection.
        Effect.catchCause(() => Effect.void),
        Effect.ensuring(connection.close)
      )

    const admit = (connection: Connection) =>
      Effect.sync(() => {
        accepted++
        // Over the cap for connections still authenticating: closed before a byte is read.
        if (pending >= maxPending) {
          refused.pendingLimit++
          runBackground(connection.abort)
          return
        }
        pending++
        runConnection(serveConnection(connection))
      })

    const stats = Effect.sync((): ServerStats => ({
      connections: served,
      pending,
      sessions: leases.active,
      accepted,
      decodedFrames: frames.decoded,
      refused: { ...refused },
      calls: { ...interrupted }
    }))

    yield* Effect.forkScoped(
      Effect.forever(Effect.flatMap(listener.accept, admit))
        .pipe(Effect.interruptible)
    )
    yield* Effect.addFinalizer(() => shutdown)

    return Server.of({
      address: listener.address,
      numberOfObjects: objects.numberOfObjects,
      debugInfo: objects.debugInfo,
      stats,
      shutdown,
      awaitShutdown: Deferred.await(stopped)
    })
  })

/**
 * The Server as a scoped Layer: it serves from when the layer is built until
 * its scope closes (the `get_server().serve_forever()` analogue).
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: ServerOptions) => Layer.effect(Server, make(options))
