/**
 * The one client core, whatever the dialect: the ProxyCore of every proxy,
 * the meaning of every reply, and the BaseManager built on them. A dialect
 * gives it a {@link Wire} (ours multiplexes one connection; CPython's lends
 * a connection per fiber); everything a proxy is and does is here, once.
 *
 * One rule decides every release: a proxy's reference goes back exactly
 * once, when it is released or its scope closes, whichever comes first.
 * Proxies found in a result belong to the caller's scope (or the manager's,
 * when the caller has none), and are adopted without interruption, so no
 * reference is lost between the reply and the proxy.
 *
 * @since 0.1.0
 */
import { Effect, type Exit, Option, Scope } from "effect"
import { type CallError, CallTimeout, ProxyReleased, RemoteError } from "../../domain/ManagerErrors.ts"
import type { ObjectInfo } from "../../domain/ObjectInfo.ts"
import { type CallOptions, CurrentCaller, type ProxyCore } from "../../domain/ProxyCore.ts"
import type { Token } from "../../domain/Token.ts"
import { replaceTokens } from "../../domain/TokenWalk.ts"
import { AutoProxy } from "../../proxy/AutoProxy.ts"
import type { BaseProxy } from "../../proxy/BaseProxy.ts"
import type { BaseManagerShape } from "../../services/BaseManager.ts"
import type { Registry } from "../../services/Registry.ts"
import type { ServerStats } from "../../services/Server.ts"
import { rebuild } from "../../protocol/WireErrors.ts"

/**
 * A reply, as the core needs it from any dialect.
 *
 * @category models
 * @since 0.1.0
 */
export type WireReply =
  /** A value, and the tokens in it (proxies handed to this client). */
  | { readonly _tag: "Return"; readonly value: unknown; readonly tokens: ReadonlyArray<Token> }
  /** A new shared object: its token (with this client's reference) and exposed methods. */
  | { readonly _tag: "Proxy"; readonly token: Token; readonly exposed: ReadonlyArray<string> }
  /** The referent's own error, or a RemoteError for a server-side failure. */
  | { readonly _tag: "Failure"; readonly error: unknown }

/**
 * A call to make on the wire.
 *
 * @category models
 * @since 0.1.0
 */
export interface WireCall {
  readonly token: Token
  readonly method: string
  readonly args: ReadonlyArray<unknown>
  readonly kwargs: Readonly<Record<string, unknown>> | undefined
  /** The caller, for lock ownership (the calling fiber, or `CurrentCaller`). */
  readonly caller: number
  /** The caller's span (W3C `traceparent`), for the server's span to be its child; null when not traced. */
  readonly trace: string | null
}

/**
 * Watches every call a client makes, at the one place every call passes:
 * told when a call starts (it may give the trace context the call carries)
 * and, by the function it gives back, how it ended. Metrics and spans hang
 * here; with no observer the calls pay nothing.
 *
 * @category models
 * @since 0.1.0
 */
export interface ClientCallObserver {
  readonly start: (call: { readonly typeid: string; readonly method: string }) => {
    readonly trace: string | null
    readonly end: (exit: Exit.Exit<unknown, unknown>) => void
  }
}

/**
 * What a dialect gives the core: requests, and the meaning of its replies'
 * references. `onReply` makes the result in the waiting fiber, as soon as
 * the reply is there.
 *
 * @category models
 * @since 0.1.0
 */
export interface Wire {
  /** The manager's address, as its tokens name it. */
  readonly address: string
  readonly session: string
  readonly call: <A, E>(call: WireCall, onReply: (reply: WireReply) => Effect.Effect<A, E>) => Effect.Effect<A, E | CallError>
  readonly create: <A, E>(
    typeid: string,
    args: ReadonlyArray<unknown>,
    kwargs: Readonly<Record<string, unknown>> | undefined,
    onReply: (reply: WireReply) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | CallError>
  /** Takes a reference for this client to the object `token` names. */
  readonly incref: (token: Token) => Effect.Effect<void, CallError>
  /** Gives one back; nobody waits for it (a no-op once the manager is gone). */
  readonly decref: (token: Token) => Effect.Effect<void>
  /**
   * References for the tokens a Return carried: counted by the server for
   * this client already (ours), or taken now (CPython's). Gives the tokens
   * that have one, to become proxies.
   */
  readonly adopt: (tokens: ReadonlyArray<Token>) => Effect.Effect<ReadonlyArray<Token>>
  readonly numberOfObjects: Effect.Effect<number, CallError>
  readonly debugInfo: Effect.Effect<ReadonlyArray<ObjectInfo>, CallError>
  readonly stats: Effect.Effect<ServerStats, CallError>
  readonly control: (name: string, args: ReadonlyArray<unknown>, kwargs: Readonly<Record<string, unknown>> | undefined) => Effect.Effect<unknown, CallError>
  readonly ping: Effect.Effect<void, CallError>
  readonly shutdown: Effect.Effect<void, CallError>
}

/** What the core needs besides the wire. @category models @since 0.1.0 */
export interface CoreOptions {
  readonly registry: Registry["Service"]
  /** Owns proxies found in results when the caller has no Scope of its own. */
  readonly fallbackScope: Scope.Scope
  /** A timeout for every call, in milliseconds (the call is cancelled when it passes). */
  readonly callTimeout?: number | undefined
  /** Watches every call. */
  readonly observer?: ClientCallObserver | undefined
}

/**
 * The core of one client: the BaseManager, and how proxies are built.
 *
 * @category models
 * @since 0.1.0
 */
export interface ClientCore {
  readonly base: BaseManagerShape
  /** A proxy for a token whose reference this client holds, released with `scope`. */
  readonly adopt: (token: Token, exposed: ReadonlyArray<string> | undefined, scope: Scope.Scope) => Effect.Effect<BaseProxy>
}

/**
 * The core over a wire.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (wire: Wire, options: CoreOptions): ClientCore => {
  const { registry, fallbackScope, callTimeout, observer } = options

  const build = (token: Token, exposed: ReadonlyArray<string> | undefined): BaseProxy => {
    const def = registry.get(token.typeid)
    const core = coreOf(token, exposed ?? def?.exposed ?? [])
    return (def?.makeProxy?.(core) as BaseProxy | undefined) ?? new AutoProxy(core, def?.methodToTypeid)
  }

  const adopt = (token: Token, exposed: ReadonlyArray<string> | undefined, scope: Scope.Scope): Effect.Effect<BaseProxy> => {
    const proxy = build(token, exposed)
    return Effect.as(Scope.addFinalizer(scope, proxy.core.release), proxy)
  }

  // What a reply means, in the caller's scope. Uninterruptible where it adopts references.
  const interpret = (reply: WireReply, scope: Scope.Scope | undefined): Effect.Effect<unknown, unknown> => {
    switch (reply._tag) {
      case "Failure":
        // A tag the codec did not know may be one of the client's types' own errors.
        return Effect.fail(rebuild(reply.error, registry.errorClass))
      case "Proxy":
        return Effect.uninterruptible(Effect.flatMap(owner(scope), (s) => adopt(reply.token, reply.exposed, s)))
      case "Return": {
        if (reply.tokens.length === 0) return Effect.succeed(reply.value)
        return Effect.uninterruptible(Effect.flatMap(owner(scope), (s) =>
          Effect.flatMap(wire.adopt(reply.tokens), (adopted) => {
            if (adopted.length === 0) return Effect.succeed(reply.value)
            const held = new Set(adopted)
            const proxies: Array<BaseProxy> = []
            const value = replaceTokens(reply.value, (t) => {
              if (!held.has(t)) return t
              const p = build(t, undefined)
              proxies.push(p)
              return p
            })
            return Effect.as(Effect.forEach(proxies, (p) => Scope.addFinalizer(s, p.core.release), { discard: true }), value)
          })))
      }
    }
  }

  const owner = (scope: Scope.Scope | undefined): Effect.Effect<Scope.Scope> =>
    scope !== undefined
      ? Effect.succeed(scope)
      : Effect.map(Effect.serviceOption(Scope.Scope), Option.getOrElse(() => fallbackScope))

  // The one place every proxy call passes, on this side.
  const coreOf = (token: Token, exposed: ReadonlyArray<string>): ProxyCore => {
    let released = false
    const call = (method: string, args: ReadonlyArray<unknown>, callOptions: CallOptions | undefined, scope: Scope.Scope | undefined) => {
      if (released) return Effect.fail(new ProxyReleased({ typeid: token.typeid, id: token.id }))
      const send = (trace: string | null) =>
        Effect.withFiber((fiber) =>
          wire.call({
            token,
            method,
            args,
            kwargs: callOptions?.kwargs,
            caller: fiber.getRef(CurrentCaller) ?? fiber.id,
            trace
          }, (reply) => interpret(reply, scope))
        )
      const effect = observer === undefined ? send(null) : Effect.suspend(() => {
        const watched = observer.start({ typeid: token.typeid, method })
        return Effect.onExit(send(watched.trace), (exit) => Effect.sync(() => watched.end(exit)))
      })
      if (callTimeout === undefined) return effect
      return Effect.timeoutOrElse(effect, {
        duration: callTimeout,
        orElse: () => Effect.fail(new CallTimeout({ method, millis: callTimeout }))
      })
    }
    return {
      token,
      exposed,
      call: (method, args, callOptions) => call(method, args, callOptions, undefined),
      callProxy: (method, args, callOptions) => Effect.flatMap(Effect.scope, (scope) => call(method, args, callOptions, scope)),
      release: Effect.suspend(() => {
        if (released) return Effect.void
        released = true
        // After the manager is gone there is nothing to give back: a no-op.
        return wire.decref(token)
      }),
      isReleased: () => released
    }
  }

  const createWith = (typeid: string, args: ReadonlyArray<unknown>, kwargs?: Readonly<Record<string, unknown>>) =>
    Effect.flatMap(Effect.scope, (scope) => wire.create(typeid, args, kwargs, (reply) => interpret(reply, scope))) as Effect.Effect<
      any,
      any,
      Scope.Scope
    >

  const base: BaseManagerShape = {
    address: wire.address,
    session: wire.session,
    create: ((type: string | { readonly typeid: string }, ...args: ReadonlyArray<unknown>) =>
      createWith(typeof type === "string" ? type : type.typeid, args)) as BaseManagerShape["create"],
    createWith,
    proxy: (token) =>
      Effect.flatMap(Effect.scope, (scope) =>
        Effect.uninterruptibleMask((restore) => Effect.flatMap(restore(wire.incref(token)), () => adopt(token, undefined, scope)))),
    numberOfObjects: wire.numberOfObjects,
    debugInfo: wire.debugInfo,
    stats: wire.stats,
    control: (name, args = [], kwargs) => wire.control(name, args, kwargs),
    ping: wire.ping,
    shutdown: wire.shutdown
  }
  return { base, adopt }
}

/** A server-side failure the dialect reports as text. @category constructors @since 0.1.0 */
export const remoteFailure = (text: string): WireReply => ({ _tag: "Failure", error: new RemoteError({ text }) })
