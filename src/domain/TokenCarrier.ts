/**
 * Values that travel as a Token: a proxy sent as an argument, or stored in a
 * shared object, crosses the wire as the token of its object, in every
 * codec. Proxies register themselves here; codecs ask.
 *
 * @since 0.1.0
 */
import type { Token } from "./Token.ts"

const carriers: Array<readonly [abstract new(...args: any) => any, (u: any) => Token]> = []

/** Makes instances of `Class` travel as the token `toToken` gives. @since 0.1.0 */
export const register = <C extends abstract new(...args: any) => any>(Class: C, toToken: (instance: InstanceType<C>) => Token): void => {
  carriers.push([Class, toToken])
}

/** The token a value travels as, when it is a token carrier. @since 0.1.0 */
export const tokenOf = (u: unknown): Token | undefined => {
  if (u === null || typeof u !== "object") return undefined
  for (const [Class, toToken] of carriers) if (u instanceof Class) return toToken(u)
  return undefined
}
