/**
 * A Token names one shared object: its typeid, the address of the manager
 * that owns it, and its id there. It is what crosses the wire when a proxy is
 * sent somewhere (as an argument, inside a shared container, to another
 * process), and what a proxy is rebuilt from (CPython's
 * `multiprocessing.managers.Token`).
 *
 * @since 0.1.0
 */

/**
 * The name of one shared object: typeid, address of its manager, and id.
 *
 * @example
 * ```ts
 * import { Token } from "effect-managers"
 * const token = new Token("dict", "unix:/tmp/m.sock", "7f3a")
 * ```
 * @category models
 * @since 0.1.0
 */
export class Token {
  readonly typeid: string
  readonly address: string
  readonly id: string

  constructor(typeid: string, address: string, id: string) {
    this.typeid = typeid
    this.address = address
    this.id = id
  }

  /** The token as plain JSON (to pass it to another process in argv or a message). */
  toJSON(): { readonly typeid: string; readonly address: string; readonly id: string } {
    return { typeid: this.typeid, address: this.address, id: this.id }
  }

  /** A token back from its JSON form. */
  static fromJSON(json: { readonly typeid: string; readonly address: string; readonly id: string }): Token {
    return new Token(json.typeid, json.address, json.id)
  }

  toString(): string {
    return `Token(typeid=${JSON.stringify(this.typeid)}, address=${JSON.stringify(this.address)}, id=${JSON.stringify(this.id)})`
  }
}

/** @since 0.1.0 */
export const isToken = (u: unknown): u is Token => u instanceof Token
