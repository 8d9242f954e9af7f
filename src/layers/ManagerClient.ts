/**
 * The Manager service as a client of a manager at an address: one
 * authenticated, multiplexed connection, a session, and proxies as scoped
 * resources.
 *
 * @since 0.1.0
 */
import { Duration, Effect, Layer, Scope } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import type { Token } from "../domain/Token.ts"
import type { BaseProxy } from "../proxy/BaseProxy.ts"
import { Manager, type ManagerShape } from "../services/Manager.ts"
import type { ServerStats } from "../services/Server.ts"
import * as Registry from "../services/Registry.ts"
import { syncConstructors } from "./client/SyncConstructors.ts"
import { type ClientConnection, connect, type ConnectOptions, type RequestOptions } from "./client/ClientConnection.ts"
import { Proxies } from "./client/Proxies.ts"
import * as SyncManagerTypes from "./SyncManagerTypes.ts"

/** How a client reaches its manager. @category models @since 0.1.0 */
export interface ClientOptions extends ConnectOptions {
  /** Types whose proxies this client builds (default: SyncManager's). Add your own registered types. */
  readonly types?: Iterable<Registry.TypeDef> | undefined
  /** A timeout for every call (it is cancelled on the server when it passes). */
  readonly callTimeout?: Duration.Input | undefined
}

/**
 * Connects to a manager; the connection and every proxy in the manager's own
 * scope go when the scope closes.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: ClientOptions) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    let connection: ClientConnection | undefined
    const decref = (token: Token) => connection?.notify((id) => ({ _tag: "Decref", id, object: token.id }))
    connection = yield* connect({ ...options, onOrphanTokens: (tokens) => tokens.forEach(decref) })
    const conn = connection
    const registry = Registry.make([...SyncManagerTypes.all, ...(options.types ?? [])])
    const context = yield* Effect.context<never>()
    const proxies = new Proxies({
      connection: conn,
      registry,
      fallbackScope: scope,
      callTimeout: options.callTimeout === undefined ? undefined : Duration.toMillis(Duration.fromInputUnsafe(options.callTimeout)),
      warn: (message) => {
        Effect.runForkWith(context)(Effect.logWarning(message))
      }
    })

    const control = <A>(build: Parameters<ClientConnection["request"]>[0], requestOptions?: RequestOptions) =>
      proxies.send(build, undefined, requestOptions) as Effect.Effect<A, CallError>

    // Not cancellable: a create runs to its end, and one nobody waits for gives its object back.
    const create = (typeid: string, args: ReadonlyArray<unknown>) =>
      Effect.flatMap(Effect.scope, (callerScope) =>
        proxies.send((id) => ({ _tag: "Create", id, typeid, args, kwargs: null }), callerScope)
      ) as Effect.Effect<any, any, Scope.Scope>

    const shape: ManagerShape = {
      address: conn.address,
      session: conn.session,
      create: ((type: string | Registry.TypeDef, ...args: ReadonlyArray<unknown>) =>
        create(typeof type === "string" ? type : type.typeid, args)) as ManagerShape["create"],
      proxy: (token) =>
        Effect.flatMap(Effect.scope, (callerScope) =>
          Effect.uninterruptibleMask((restore) =>
            Effect.flatMap(
              restore(control<null>((id) => ({ _tag: "Incref", id, object: token.id }), {
                // A reference taken for a caller that has gone goes back.
                onAbandoned: (received) => {
                  if (received.reply._tag === "Return") decref(token)
                }
              })),
              () => proxies.adopt(token, undefined, callerScope)
            )
          )
        ) as Effect.Effect<BaseProxy, CallError, Scope.Scope>,
      dict: ((initial?: unknown) => create("dict", initial === undefined ? [] : [initial])) as ManagerShape["dict"],
      ...syncConstructors(create),
      Namespace: (attributes) => create("Namespace", attributes === undefined ? [] : [attributes]),
      numberOfObjects: control<number>((id) => ({ _tag: "NumberOfObjects", id })),
      debugInfo: control<ReadonlyArray<ObjectInfo>>((id) => ({ _tag: "DebugInfo", id })),
      stats: control<ServerStats>((id) => ({ _tag: "Stats", id })),
      ping: Effect.asVoid(control<string>((id) => ({ _tag: "Ping", id }))),
      shutdown: Effect.asVoid(control<null>((id) => ({ _tag: "Shutdown", id })))
    }
    return shape
  })

/**
 * A Manager connected to the manager at `options.address`.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: ClientOptions) => Layer.effect(Manager, make(options))
