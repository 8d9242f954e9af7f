/**
 * What `debugInfo` reports about each live object.
 *
 * @since 0.1.0
 */

/** One live object as `debugInfo` reports it. @category models @since 0.1.0 */
export interface ObjectInfo {
  readonly id: string
  readonly typeid: string
  readonly refcount: number
  /** A short description (the referent's string form, cut to 80 characters). */
  readonly description: string
  /** The sessions holding references, with how many each holds. */
  readonly sessions: Readonly<Record<string, number>>
  /** The shared objects holding this one (nested proxies), with how many references each holds. */
  readonly heldBy: Readonly<Record<string, number>>
}
