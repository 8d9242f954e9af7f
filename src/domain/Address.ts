/**
 * Manager addresses as strings: `unix:/path/to.sock` (a Unix socket; a
 * leading NUL makes a Linux abstract one), `tcp:host:port` (port 0 asks for a
 * free one; IPv6 hosts in brackets), and `memory:name` (one process).
 *
 * @since 0.1.0
 */

/** @since 0.1.0 */
export type Address =
  | { readonly _tag: "unix"; readonly path: string }
  | { readonly _tag: "tcp"; readonly host: string; readonly port: number }
  | { readonly _tag: "memory"; readonly name: string }

/**
 * The parts of an address, or undefined when it is not one.
 *
 * @example
 * ```ts
 * import { parseAddress } from "./Address.ts"
 *
 * parseAddress("tcp:127.0.0.1:0") // { _tag: "tcp", host: "127.0.0.1", port: 0 }
 * ```
 * @since 0.1.0
 */
export const parseAddress = (address: string): Address | undefined => {
  if (address.startsWith("unix:")) {
    const path = address.slice(5)
    return path.length > 0 ? { _tag: "unix", path } : undefined
  }
  if (address.startsWith("memory:")) {
    const name = address.slice(7)
    return name.length > 0 ? { _tag: "memory", name: address } : undefined
  }
  if (!address.startsWith("tcp:")) return undefined
  const rest = address.slice(4)
  const colon = rest.lastIndexOf(":")
  if (colon <= 0) return undefined
  const portText = rest.slice(colon + 1)
  if (!/^\d{1,5}$/.test(portText)) return undefined
  const port = Number(portText)
  if (port > 65535) return undefined
  let host = rest.slice(0, colon)
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1)
  return host.length > 0 ? { _tag: "tcp", host, port } : undefined
}

/** The string form of a TCP address. @since 0.1.0 */
export const tcpAddress = (host: string, port: number): string =>
  host.includes(":") ? `tcp:[${host}]:${port}` : `tcp:${host}:${port}`
