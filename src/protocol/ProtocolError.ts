/**
 * A frame that is not a valid message of the dialect it claims: the one
 * error of the protocol itself.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * A malformed frame of our dialect, or a request out of place: the
 * connection it came on is closed, with this as the reason.
 *
 * @category errors
 * @since 0.1.0
 */
export class ProtocolError extends Data.TaggedError("ProtocolError")<{
  readonly reason: string
}> {
  override get message(): string {
    return `protocol error: ${this.reason}`
  }
}
