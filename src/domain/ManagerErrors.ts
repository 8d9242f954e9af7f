/**
 * The failures of talking to a manager, as opposed to the failures of the
 * shared objects themselves (see PythonErrors).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

const rule = "-".repeat(75)

/**
 * A failure on the server side: an unknown method or object, a defect in a
 * referent, a result that could not be encoded. Carries the remote stack
 * text, shown between rules of dashes as CPython's RemoteError shows it.
 *
 * @category errors
 * @since 0.1.0
 */
export class RemoteError extends Data.TaggedError("RemoteError")<{
  readonly text: string
}> {
  override get message(): string {
    return `\n${rule}\n${this.text}${this.text.endsWith("\n") ? "" : "\n"}${rule}`
  }
}

/**
 * A proxy used after it was released.
 *
 * @category errors
 * @since 0.1.0
 */
export class ProxyReleased extends Data.TaggedError("ProxyReleased")<{
  readonly typeid: string
  readonly id: string
}> {
  override get message(): string {
    return `proxy for ${this.typeid} object ${this.id} was released`
  }
}

/**
 * The connection to the manager was lost while a call was in flight, or
 * before it was sent.
 *
 * @category errors
 * @since 0.1.0
 */
export class ConnectionLost extends Data.TaggedError("ConnectionLost")<{
  readonly address: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return `connection to the manager at ${this.address} was lost`
  }
}

/**
 * No manager could be reached at the address, or it refused us.
 *
 * @category errors
 * @since 0.1.0
 */
export class ManagerUnavailable extends Data.TaggedError("ManagerUnavailable")<{
  readonly address: string
  readonly cause?: unknown
}> {
  override get message(): string {
    const detail = this.cause instanceof Error ? `: ${this.cause.message}` : ""
    return `no manager available at ${this.address}${detail}`
  }
}

/**
 * A call did not complete within its timeout (it was cancelled on the server).
 *
 * @category errors
 * @since 0.1.0
 */
export class CallTimeout extends Data.TaggedError("CallTimeout")<{
  readonly method: string
  readonly millis: number
}> {
  override get message(): string {
    return `call to ${this.method} timed out after ${this.millis} ms`
  }
}

/**
 * A limit of the manager was reached: a frame over the size cap, too many
 * objects for one session, too many connections. The manager goes on
 * serving; what was refused is named here.
 *
 * @category errors
 * @since 0.1.0
 */
export class LimitExceeded extends Data.TaggedError("LimitExceeded")<{
  readonly limit: "frame-size" | "objects-per-session" | "connections"
  readonly max: number
  readonly message: string
}> {}

/** What any call through a proxy may fail with besides the referent's own errors. @category models @since 0.1.0 */
export type CallError = RemoteError | ProxyReleased | ConnectionLost | CallTimeout | LimitExceeded
