/**
 * The shared objects a user's referent holds, by default: every Token in the
 * data of its fields. The server keeps a reference for each, so a proxy
 * stored in a shared object keeps its referent alive until it is taken out.
 * (SyncManager's types answer from their state instead: `Referent.children`.)
 *
 * The referent's own fields are looked at one level, then only data (the
 * one walker, `TokenWalk`), so waiters, fibers and closures inside a
 * referent are never mistaken for data.
 *
 * @since 0.1.0
 */
import type { Token } from "./Token.ts"
import { tokensIn } from "./TokenWalk.ts"

/**
 * Every token held by a referent's fields, by object id.
 *
 * @category walking
 * @since 0.1.0
 */
export const childTokens = (referent: object): Map<string, Token> => {
  const out = new Map<string, Token>()
  for (const v of Object.values(referent)) tokensIn(v, out)
  return out
}
