/**
 * Values that travel as a Token: a proxy sent as an argument, or stored in a
 * shared object, crosses the wire as the token of its object, in every
 * codec. A value is a carrier when it has a `[carriedToken]` method; codecs
 * ask with {@link tokenOf}.
 *
 * @since 0.1.0
 */
import type { Token } from "./Token.ts"

/**
 * The method of a value that travels as a token.
 *
 * @category protocol
 * @since 0.1.0
 */
export const carriedToken: unique symbol = Symbol.for("effect-managers/TokenCarrier/carriedToken")

/**
 * A value that travels as a token.
 *
 * @category models
 * @since 0.1.0
 */
export interface TokenCarrier {
  readonly [carriedToken]: () => Token
}

/**
 * The token a value travels as, when it is a token carrier.
 *
 * @category protocol
 * @since 0.1.0
 */
export const tokenOf = (u: unknown): Token | undefined => {
  if (u === null || typeof u !== "object") return undefined
  const f = (u as Partial<TokenCarrier>)[carriedToken]
  return typeof f === "function" ? f.call(u) : undefined
}
