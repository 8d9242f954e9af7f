/**
 * The part every proxy shares: its token and typeid, a generic
 * `callMethod`, a copy of the referent (`getValue`, CPython's `_getvalue`),
 * its string forms, and release. Proxy classes extend it with typed methods.
 *
 * Its own members avoid the names shared objects use (`release` is a Lock
 * method), so releasing the proxy is `releaseProxy`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { Token } from "../domain/Token.ts"
import { carriedToken, type TokenCarrier } from "../domain/TokenCarrier.ts"
import { registerTokenCarrier } from "../protocol/ValueCodec.ts"
import type { CallOptions, Proxy, ProxyCore } from "../domain/ProxyCore.ts"

/** The base of every proxy: its token, typeid, exposed methods, `callMethod`, `getValue` and release. @category proxies @since 0.1.0 */
export class BaseProxy implements Proxy, TokenCarrier {
  /** @internal */
  readonly core: ProxyCore

  constructor(core: ProxyCore) {
    this.core = core
  }

  /** Names the shared object; send it (or the proxy itself) to another process to share the object. */
  get token(): Token {
    return this.core.token
  }

  get typeid(): string {
    return this.core.token.typeid
  }

  /** The methods the server exposes for this object. */
  get exposed(): ReadonlyArray<string> {
    return this.core.exposed
  }

  /**
   * Calls an exposed method by name (CPython's `_callmethod`). A name that is
   * not exposed fails with RemoteError.
   */
  callMethod(name: string, args: ReadonlyArray<unknown> = [], options?: CallOptions): Effect.Effect<unknown, unknown> {
    return this.core.call(name, args, options)
  }

  /** A copy of the referent (CPython's `_getvalue`). */
  getValue(): Effect.Effect<unknown, CallError> {
    return this.core.call("#GETVALUE", []) as Effect.Effect<unknown, CallError>
  }

  /** The referent's string form, computed on the server. */
  str(): Effect.Effect<string, CallError> {
    return this.core.call("__str__", []) as Effect.Effect<string, CallError>
  }

  /** The referent's repr, computed on the server. */
  repr(): Effect.Effect<string, CallError> {
    return this.core.call("__repr__", []) as Effect.Effect<string, CallError>
  }

  /** Releases this proxy's reference now (once); later calls fail with ProxyReleased. */
  get releaseProxy(): Effect.Effect<void> {
    return this.core.release
  }

  get isReleased(): boolean {
    return this.core.isReleased()
  }

  /** Calls a method with a typed result. */
  protected call<A, E = never>(method: string, ...args: ReadonlyArray<unknown>): Effect.Effect<A, E | CallError> {
    return this.core.call(method, args) as Effect.Effect<A, E | CallError>
  }

  /** A proxy inside a value travels as its token. */
  [carriedToken](): Token {
    return this.core.token
  }

  toString(): string {
    return `<${this.constructor.name} ${this.typeid} ${this.token.id}${this.isReleased ? " released" : ""}>`
  }
}

// A proxy inside a value (an argument, or stored in a shared container) travels as its token.
registerTokenCarrier(BaseProxy)

/** Whether a value is a proxy. @category guards @since 0.1.0 */
export const isProxy = (u: unknown): u is BaseProxy => u instanceof BaseProxy
