/**
 * A proxy with one method per exposed name, built at runtime from the
 * exposed list the server sends (CPython's AutoProxy), and typed from the
 * referent's class when there is one.
 *
 * @since 0.1.0
 */
import type { ProxyCore } from "../domain/ProxyCore.ts"
import { BaseProxy } from "./BaseProxy.ts"

/** The typed AutoProxy of a referent type R (see `ProxyCore.AutoProxyOf`). @category proxies @since 0.1.0 */
export type { AutoProxyOf, ProxyMethod } from "../domain/ProxyCore.ts"

const reserved = new Set(["core", "token", "typeid", "exposed", "callMethod", "releaseProxy", "isReleased", "constructor"])

/** A proxy with a method for each name the server exposes (CPython's AutoProxy). @category proxies @since 0.1.0 */
export class AutoProxy extends BaseProxy {
  constructor(core: ProxyCore, methodToTypeid: Readonly<Record<string, string>> = {}) {
    super(core)
    for (const name of core.exposed) {
      if (reserved.has(name)) continue
      const method = name in methodToTypeid
        ? (...args: ReadonlyArray<unknown>) => core.callProxy(name, args)
        : (...args: ReadonlyArray<unknown>) => core.call(name, args)
      Object.defineProperty(this, name, { value: method, enumerable: false })
    }
  }
}
