/**
 * Manager addresses as CPython writes them inside a Token, and as strings on
 * the JS side: a TCP `(host, port)` tuple is `"tcp:host:port"`, a Unix socket
 * path (a `str`, possibly abstract with a leading NUL) is `"unix:path"`.
 * A string is what JS code compares, logs and dials; the tuple is what
 * CPython's `RebuildProxy` compares with its own `server.address`.
 *
 * @since 0.1.0
 */
import { Tuple } from "../../domain/values/Tuple.ts"

const isPort = (u: unknown): u is number => typeof u === "number" && Number.isInteger(u) && u >= 0 && u <= 65535

/**
 * The JS form of a Python address, or `undefined` if it is neither a
 * `(host, port)` pair nor a path string.
 *
 * @example
 * ```ts
 * import { Tuple } from "effect-managers"
 * import { addressFromPython } from "effect-managers/protocol/pickle"
 *
 * addressFromPython(Tuple.of<string | number>("127.0.0.1", 5000)) // "tcp:127.0.0.1:5000"
 * addressFromPython("/tmp/m.sock")             // "unix:/tmp/m.sock"
 * ```
 * @category conversions
 * @since 0.1.0
 */
export const addressFromPython = (u: unknown): string | undefined => {
  if (typeof u === "string") return `unix:${u}`
  if (Array.isArray(u) && u.length === 2 && typeof u[0] === "string" && isPort(u[1])) return `tcp:${u[0]}:${u[1]}`
  return undefined
}

/**
 * The Python form of a JS address: a `(host, port)` tuple for `tcp:` and a
 * path string for `unix:`; `undefined` for anything else. The port is taken
 * after the last colon, so IPv6 hosts need no brackets (`tcp:::1:5000`);
 * brackets are accepted and dropped.
 *
 * @category conversions
 * @since 0.1.0
 */
export const addressToPython = (address: string): string | Tuple<string | number> | undefined => {
  if (address.startsWith("unix:")) return address.slice(5)
  if (!address.startsWith("tcp:")) return undefined
  const rest = address.slice(4)
  const colon = rest.lastIndexOf(":")
  if (colon < 0) return undefined
  const portText = rest.slice(colon + 1)
  if (!/^\d{1,5}$/.test(portText)) return undefined
  const port = Number(portText)
  if (!isPort(port)) return undefined
  let host = rest.slice(0, colon)
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1)
  return Tuple.of<string | number>(host, port)
}
