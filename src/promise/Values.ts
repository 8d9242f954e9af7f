/**
 * The proxies inside a call's result, which become Promise proxies. Walks
 * what the client's decoder builds proxies in (arrays, Maps, Sets, plain
 * objects) and the Options the Effect proxies wrap results in.
 *
 * @since 0.1.0
 */
import { Option } from "effect"
import { BaseProxy } from "../proxy/BaseProxy.ts"

/**
 * Replaces every proxy in a freshly decoded result, in place (the result is
 * the caller's own), and gives the result.
 *
 * @since 0.1.0
 * @category internals
 */
export const mapProxies = (value: unknown, f: (proxy: BaseProxy) => unknown, seen = new Set<object>()): unknown => {
  if (value === null || typeof value !== "object") return value
  if (value instanceof BaseProxy) return f(value)
  if (seen.has(value)) return value
  seen.add(value)
  if (Option.isOption(value)) return Option.isSome(value) ? Option.some(mapProxies(value.value, f, seen)) : value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = mapProxies(value[i], f, seen)
  } else if (value instanceof Map) {
    for (const [k, v] of [...value]) {
      const k2 = mapProxies(k, f, seen)
      if (k2 !== k) value.delete(k)
      value.set(k2, mapProxies(v, f, seen))
    }
  } else if (value instanceof Set) {
    for (const v of [...value]) {
      const v2 = mapProxies(v, f, seen)
      if (v2 !== v) {
        value.delete(v)
        value.add(v2)
      }
    }
  } else {
    const proto = Object.getPrototypeOf(value)
    if (proto === Object.prototype || proto === null) {
      const record = value as Record<string, unknown>
      for (const k of Object.keys(record)) record[k] = mapProxies(record[k], f, seen)
    }
  }
  return value
}
