/**
 * What every shared object's state answers, whatever keeps it: the proxies
 * it holds (so the server can count them as references), a short
 * description for `debugInfo`, a copy for `#GETVALUE`, and its end.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import type { Token } from "../Token.ts"

/**
 * The part of a state every backend implements for every type.
 *
 * @category models
 * @since 0.1.0
 */
export interface StateBase {
  /** The tokens of the shared objects the state holds (nested proxies). */
  readonly children: () => Eventually<Iterable<Token>>
  /** A short description, as Python's `repr` would give. */
  readonly describe: () => Eventually<string>
  /** A copy of the whole state, for `#GETVALUE`. */
  readonly snapshot: () => Eventually<unknown>
  /** Frees the state: the object's last reference went. */
  readonly dispose: () => Eventually<void>
}
