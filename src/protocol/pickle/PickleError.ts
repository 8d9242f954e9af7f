/**
 * The one failure of the pickle codec. Decoding fails with it for any input
 * it will not turn into a value (truncated, malformed, refused, over a
 * limit); encoding fails with it for a value it cannot write (its reason then
 * starts with `unserializable:`, which the server turns into
 * `#UNSERIALIZABLE`).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * The one failure of the pickle codec: what was wrong, and where.
 *
 * @example
 * ```ts
 * import { decodePickle, PickleError } from "effect-managers/protocol/pickle"
 * try {
 *   decodePickle(new Uint8Array([0x80, 0x04, 0x50]))
 * } catch (e) {
 *   if (e instanceof PickleError) console.log(e.reason, e.offset)
 * }
 * ```
 * @category errors
 * @since 0.1.0
 */
export class PickleError extends Data.TaggedError("PickleError")<{
  /** What was wrong, in words. */
  readonly reason: string
  /** Byte offset of the opcode being read when decoding failed; -1 when encoding. */
  readonly offset: number
}> {
  constructor(fields: { readonly reason: string; readonly offset: number }) {
    super(fields)
    // Non-enumerable so that the error's structural equality stays {reason, offset}.
    Object.defineProperty(this, "message", {
      value: fields.offset >= 0 ? `${fields.reason} (at byte ${fields.offset})` : fields.reason,
      enumerable: false,
      writable: true,
      configurable: true
    })
  }
}

/** Builds the error the encoder throws for a value it cannot write. @since 0.1.0 */
export const unserializable = (what: string): PickleError =>
  new PickleError({ reason: `unserializable: ${what}`, offset: -1 })
