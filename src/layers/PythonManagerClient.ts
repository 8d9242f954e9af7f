/**
 * The Manager service as a client of a stock CPython manager
 * (`SyncManager` or any `BaseManager` server): the same proxies and errors as
 * against our own server, over CPython's protocol.
 *
 * What CPython's protocol cannot do, this client does not pretend to: a call
 * cannot be cancelled on a CPython server (interrupting one gives up its
 * connection, and the server finishes the call on its own), and references
 * held by a client that dies are never released (CPython has no leases).
 * Creating an object takes one connection, as CPython's create does, but no
 * incref/decref round trips after it.
 *
 * @since 0.1.0
 */
import { randomUUID } from "node:crypto"
import { Effect, Layer, Scope } from "effect"
import { addressToPython } from "../protocol/pickle/index.ts"
import { type CallError, RemoteError, ProxyReleased } from "../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import { Token } from "../domain/Token.ts"
import { PyDict } from "../domain/values/PyDict.ts"
import { AutoProxy } from "../proxy/AutoProxy.ts"
import type { BaseProxy } from "../proxy/BaseProxy.ts"
import type { ProxyCore } from "../proxy/ProxyCore.ts"
import { syncConstructors } from "./client/SyncConstructors.ts"
import { Manager, type ManagerShape } from "../services/Manager.ts"
import * as Registry from "../services/Registry.ts"
import type { TransportOptions } from "../services/Transport.ts"
import { make as connect, type PythonReply } from "./client/PythonConnection.ts"
import * as SyncManagerTypes from "./SyncManagerTypes.ts"

/** How to reach a CPython manager, and the types it registers. @category models @since 0.1.0 */
export interface PythonClientOptions extends TransportOptions {
  /** The CPython manager's address: `unix:/path` or `tcp:host:port`. */
  readonly address: string
  readonly authkey: Uint8Array
  readonly strictAuth?: boolean | undefined
  /** Types beyond SyncManager's the server registers (for typed proxies). */
  readonly types?: Iterable<Registry.TypeDef> | undefined
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
 * Connects to a CPython manager.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NodeTransport, PythonManagerClient } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const m = yield* PythonManagerClient.make({ address: "tcp:127.0.0.1:50000", authkey: new TextEncoder().encode("secret") })
 *   const d = yield* m.dict<string, number>()
 *   yield* d.set("from node", 1)
 * }).pipe(Effect.scoped, Effect.provide(NodeTransport.layer))
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: PythonClientOptions) =>
  Effect.gen(function*() {
    const managerScope = yield* Effect.scope
    const registry = Registry.make([...SyncManagerTypes.all, ...(options.types ?? [])])
    const exposedOf = new Map<string, ReadonlyArray<string>>()
    const connections = yield* connect({
      ...options,
      proxyFor: (token) => {
        const def = registry.get(token.typeid)
        const proxyClass = def?.pythonProxy ?? "AutoProxy"
        return proxyClass === "AutoProxy"
          ? { proxyClass, exposed: exposedOf.get(token.id) ?? def?.exposed ?? [] }
          : { proxyClass }
      }
    })
    const address = options.address
    const pythonAddress = addressToPython(address)
    void pythonAddress

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

    const decref = (id: string) => Effect.ignore(connections.control("decref", [id]))

    const build = (token: Token, exposed: ReadonlyArray<string> | undefined, scope: Scope.Scope): Effect.Effect<BaseProxy> => {
      if (exposed !== undefined) exposedOf.set(token.id, exposed)
      const def = registry.get(token.typeid)
      let released = false
      const core: ProxyCore = {
        token,
        exposed: exposed ?? def?.exposed ?? [],
        call: (method, args, options) => invoke(token, method, args, options?.kwargs, undefined, () => released),
        callProxy: (method, args, options) =>
          Effect.flatMap(Effect.scope, (s) => invoke(token, method, args, options?.kwargs, s, () => released)),
        release: Effect.suspend(() => {
          if (released) return Effect.void
          released = true
          exposedOf.delete(token.id)
          return decref(token.id)
        }),
        isReleased: () => released
      }
      const proxy = (def?.makeProxy?.(core) as BaseProxy | undefined) ?? new AutoProxy(core, def?.methodToTypeid)
      return Effect.as(Scope.addFinalizer(scope, core.release), proxy)
    }

    // Proxies in a result: CPython's server counted no reference for us, so take one for each first.
    const adoptTokens = (value: unknown, tokens: ReadonlyArray<Token>, scope: Scope.Scope): Effect.Effect<unknown, CallError> =>
      Effect.gen(function*() {
        const replacements = new Map<Token, BaseProxy>()
        for (const token of tokens) {
          if (token.address !== address) continue
          const incref = yield* connections.control("incref", [token.id])
          if (incref.kind !== "#RETURN") continue
          replacements.set(token, yield* build(token, undefined, scope))
        }
        if (replacements.size === 0) return value
        const swap = (u: unknown, depth: number): unknown => {
          if (u instanceof Token) return replacements.get(u) ?? u
          if (depth > 256 || u === null || typeof u !== "object") return u
          if (Array.isArray(u)) {
            for (let i = 0; i < u.length; i++) u[i] = swap(u[i], depth + 1)
          } else if (u instanceof Map) {
            for (const [k, v] of [...u]) u.set(k, swap(v, depth + 1))
          }
          return u
        }
        return swap(value, 0)
      })

    const invoke = (
      token: Token,
      method: string,
      args: ReadonlyArray<unknown>,
      kwargs: Readonly<Record<string, unknown>> | undefined,
      scope: Scope.Scope | undefined,
      isReleased: () => boolean
    ): Effect.Effect<unknown, unknown> =>
      Effect.suspend(() => {
        if (isReleased()) return Effect.fail(new ProxyReleased({ typeid: token.typeid, id: token.id }))
        return Effect.flatMap(Effect.serviceOption(Scope.Scope), (ambient) => {
          const owner = scope ?? (ambient._tag === "Some" ? ambient.value : managerScope)
          return Effect.uninterruptibleMask((restore) =>
            Effect.flatMap(restore(connections.call(token.id, method, args, kwargsOf(kwargs))), (reply): Effect.Effect<unknown, unknown> => {
              if (reply.kind === "#RETURN") return adoptTokens(reply.value, reply.tokens, owner)
              if (reply.kind === "#PROXY") {
                // (exposed, token): the server made it with one reference, ours.
                const [exposed, t] = reply.value as [ReadonlyArray<string>, Token]
                return build(t, [...exposed], owner)
              }
              return Effect.fail(failure(reply))
            })
          )
        })
      })

    const create = (typeid: string, args: ReadonlyArray<unknown>, kwargs?: Readonly<Record<string, unknown>>) =>
      Effect.flatMap(Effect.scope, (scope) =>
        Effect.uninterruptibleMask((restore) =>
          Effect.flatMap(restore(connections.control("create", [typeid, ...args], kwargsOf(kwargs))), (reply): Effect.Effect<unknown, unknown> => {
            if (reply.kind !== "#RETURN") return Effect.fail(failure(reply))
            const [id, exposed] = reply.value as [string, ReadonlyArray<string>]
            return build(new Token(typeid, address, id), [...exposed], scope)
          })
        )) as Effect.Effect<any, any, Scope.Scope>

    const control = <A>(funcname: string) =>
      Effect.flatMap(connections.control(funcname, []), (reply) =>
        reply.kind === "#RETURN" ? Effect.succeed(reply.value as A) : Effect.fail(failure(reply) as CallError)
      )

    const shape: ManagerShape = {
      address,
      session: `python-client-${randomUUID()}`,
      create: ((type: string | Registry.TypeDef, ...args: ReadonlyArray<unknown>) =>
        create(typeof type === "string" ? type : type.typeid, args)) as ManagerShape["create"],
      proxy: (token) =>
        Effect.flatMap(Effect.scope, (scope) =>
          Effect.flatMap(connections.control("incref", [token.id]), (reply) =>
            reply.kind === "#RETURN" ? build(token, undefined, scope) : Effect.fail(failure(reply) as CallError)
          )),
      dict: ((initial?: unknown) => create("dict", initial === undefined ? [] : [initial instanceof Map ? initial : new PyDict(Object.entries(initial as object))])) as ManagerShape["dict"],
      ...syncConstructors(create),
      // CPython's Namespace takes its attributes as keywords only.
      Namespace: (attributes) => create("Namespace", [], attributes as Record<string, unknown> | undefined),
      numberOfObjects: control<number>("number_of_objects"),
      debugInfo: Effect.map(control<string>("debug_info"), parseDebugInfo),
      stats: Effect.fail(new RemoteError({ text: "a CPython manager keeps no connection counters\n" })),
      ping: Effect.asVoid(control<null>("dummy")),
      shutdown: Effect.asVoid(control<null>("shutdown"))
    }
    return shape
  })

/** A Manager connected to a CPython manager. @category layers @since 0.1.0 */
export const layer = (options: PythonClientOptions) => Layer.effect(Manager, make(options))
