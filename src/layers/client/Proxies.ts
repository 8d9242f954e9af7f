/**
 * Proxies on the client: the ProxyCore behind each one (calls, release),
 * the meaning of each reply, and the proxies found inside values (a token in
 * a result becomes a live proxy holding the reference the server counted for
 * it). One rule decides every release: a proxy's reference goes back exactly
 * once, when it is released or its scope closes, whichever comes first.
 *
 * And one rule decides every interrupted call: it had no effect, or its
 * effect is undone. The server cancels a call that is still waiting; a call
 * whose result was already on its way is given back with Undo (the server's
 * compensator puts the item back, releases the grant), then the references
 * in the result go back.
 *
 * @since 0.1.0
 */
import { Effect, Option, Scope } from "effect"
import { CallTimeout, ProxyReleased, RemoteError } from "../../domain/ManagerErrors.ts"
import { Token } from "../../domain/Token.ts"
import { AutoProxy } from "../../proxy/AutoProxy.ts"
import type { BaseProxy } from "../../proxy/BaseProxy.ts"
import { type CallOptions, CurrentCaller, type ProxyCore } from "../../proxy/ProxyCore.ts"
import type { Registry } from "../../services/Registry.ts"
import type { Request } from "../../protocol/Messages.ts"
import type { ClientConnection, Received, RequestOptions } from "./ClientConnection.ts"

// A reply the server gives only to a request we cancelled: reaching a caller means a bug.
const cancelledByServer = new RemoteError({ text: "the call was cancelled on the server\n" })

/** What building proxies needs. @since 0.1.0 */
export interface ProxyContext {
  readonly connection: ClientConnection
  readonly registry: Registry["Service"]
  /** Owns proxies found in results when the caller has no Scope of its own. */
  readonly fallbackScope: Scope.Scope
  readonly callTimeout: number | undefined
  /** Reports what could not be undone (a Barrier party that passed), as a warning log. */
  readonly warn: (message: string) => void
}

const replaceTokens = (value: unknown, found: ReadonlySet<Token>, replace: (t: Token) => unknown, seen = new Set<object>()): unknown => {
  if (value === null || typeof value !== "object") return value
  if (value instanceof Token) return found.has(value) ? replace(value) : value
  if (seen.has(value)) return value
  seen.add(value)
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = replaceTokens(value[i], found, replace, seen)
  } else if (value instanceof Map) {
    for (const [k, v] of [...value]) {
      const k2 = replaceTokens(k, found, replace, seen)
      const v2 = replaceTokens(v, found, replace, seen)
      if (k2 !== k) value.delete(k)
      value.set(k2, v2)
    }
  } else if (value instanceof Set) {
    for (const v of [...value]) {
      const v2 = replaceTokens(v, found, replace, seen)
      if (v2 !== v) {
        value.delete(v)
        value.add(v2)
      }
    }
  } else {
    const proto = Object.getPrototypeOf(value)
    if (proto === Object.prototype || proto === null) {
      const record = value as Record<string, unknown>
      for (const k of Object.keys(record)) record[k] = replaceTokens(record[k], found, replace, seen)
    }
  }
  return value
}

/** @since 0.1.0 */
export class Proxies {
  readonly ctx: ProxyContext

  constructor(ctx: ProxyContext) {
    this.ctx = ctx
  }

  /** A proxy for a token whose reference this client already holds, released with `scope`. */
  adopt(token: Token, exposed: ReadonlyArray<string> | undefined, scope: Scope.Scope): Effect.Effect<BaseProxy> {
    const proxy = this.build(token, exposed)
    return Effect.as(Scope.addFinalizer(scope, proxy.core.release), proxy)
  }

  /** Turns a reply into the call's result or failure. Runs uninterruptibly: references it adopts must not be lost. */
  interpret(received: Received, scope: Scope.Scope): Effect.Effect<unknown, unknown> {
    const { reply, tokens } = received
    switch (reply._tag) {
      case "Return": {
        const local = tokens.filter((t) => t.address === this.ctx.connection.address)
        if (local.length === 0) return Effect.succeed(reply.value)
        const proxies: Array<BaseProxy> = []
        const value = replaceTokens(reply.value, new Set(local), (t) => {
          const p = this.build(t, undefined)
          proxies.push(p)
          return p
        })
        return Effect.as(
          Effect.forEach(proxies, (p) => Scope.addFinalizer(scope, p.core.release), { discard: true }),
          value
        )
      }
      case "Proxy":
        return this.adopt(reply.token, reply.exposed, scope)
      case "Error":
        return Effect.fail(reply.error)
      case "Traceback":
        return Effect.fail(new RemoteError({ text: reply.text }))
      case "Unserializable":
        return Effect.fail(new RemoteError({ text: `Unserializable message: ${reply.text}` }))
      case "Cancelled":
        return Effect.fail(cancelledByServer)
    }
  }

  /**
   * Sends a request and interprets its reply in the caller's scope (or the
   * fallback scope). A plain result costs nothing more; a result that hands
   * out proxies adopts them without interruption, so no reference is lost.
   */
  send(build: (id: number) => Request, scope: Scope.Scope | undefined, options?: RequestOptions): Effect.Effect<unknown, unknown> {
    return this.ctx.connection.request(build, (received) => {
      const reply = received.reply
      if (received.tokens.length === 0) {
        switch (reply._tag) {
          case "Return":
            return Effect.succeed(reply.value)
          case "Error":
            return Effect.fail(reply.error)
          case "Traceback":
            return Effect.fail(new RemoteError({ text: reply.text }))
          case "Unserializable":
            return Effect.fail(new RemoteError({ text: `Unserializable message: ${reply.text}` }))
          case "Cancelled":
            return Effect.fail(cancelledByServer)
        }
      }
      return Effect.uninterruptible(Effect.flatMap(Effect.serviceOption(Scope.Scope), (ambient) =>
        this.interpret(received, scope ?? Option.getOrElse(ambient, () => this.ctx.fallbackScope))
      ))
    }, options)
  }

  /**
   * What a call's late result gives back when its caller has gone: the
   * server undoes the call, then the references in the result are released
   * (in that order, so a proxy going back into a queue is never freed).
   */
  undoCall(call: Extract<Request, { _tag: "Call" }>): (received: Received) => void {
    const connection = this.ctx.connection
    return (received) => {
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
            this.ctx.warn(`${call.method} on ${call.object} completed after its caller was interrupted, and cannot be undone`)
          }
        })
      }
      for (const token of received.tokens) connection.notify((id) => ({ _tag: "Decref", id, object: token.id }))
    }
  }

  core(token: Token, exposed: ReadonlyArray<string>): ProxyCore {
    const ctx = this.ctx
    let released = false
    const releasedError = () => new ProxyReleased({ typeid: token.typeid, id: token.id })
    const call = (method: string, args: ReadonlyArray<unknown>, options: CallOptions | undefined, scope: Scope.Scope | undefined) => {
      if (released) return Effect.fail(releasedError())
      const effect = Effect.withFiber((fiber) => {
        let sent: Extract<Request, { _tag: "Call" }> | undefined
        return this.send((id) => (sent = {
          _tag: "Call",
          id,
          object: token.id,
          method,
          args,
          kwargs: options?.kwargs ?? null,
          caller: fiber.getRef(CurrentCaller) ?? fiber.id,
          trace: null
        }), scope, { cancellable: true, onAbandoned: (received) => this.undoCall(sent!)(received) })
      })
      if (ctx.callTimeout === undefined) return effect
      return Effect.timeoutOrElse(effect, {
        duration: ctx.callTimeout,
        orElse: () => Effect.fail(new CallTimeout({ method, millis: ctx.callTimeout! }))
      })
    }
    return {
      token,
      exposed,
      call: (method, args, options) => call(method, args, options, undefined),
      callProxy: (method, args, options) => Effect.flatMap(Effect.scope, (scope) => call(method, args, options, scope)),
      release: Effect.sync(() => {
        if (released) return
        released = true
        // After the manager is gone there is nothing to give back: a no-op.
        ctx.connection.notify((id) => ({ _tag: "Decref", id, object: token.id }))
      }),
      isReleased: () => released
    }
  }

  build(token: Token, exposed: ReadonlyArray<string> | undefined): BaseProxy {
    const def = this.ctx.registry.get(token.typeid)
    const core = this.core(token, exposed ?? def?.exposed ?? [])
    const made = def?.makeProxy?.(core)
    return (made as BaseProxy | undefined) ?? new AutoProxy(core, def?.methodToTypeid)
  }
}
