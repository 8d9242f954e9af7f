/**
 * The failures of the XML-RPC codec: `XmlRpcError` for input it will not
 * decode and values it cannot encode, `XmlRpcFault` for a well-formed
 * `<fault>` document (what CPython's `xmlrpc.client.loads` raises as `Fault`).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * Decoding fails with it for anything malformed, refused or over a limit;
 * encoding fails with it for a value CPython's `Marshaller` would refuse, with
 * Python's own message as the reason (`cannot marshal <class 'set'> objects`,
 * `int exceeds XML-RPC limits`, `dictionary key must be string`).
 *
 * @example
 * ```ts
 * import { decodeXmlRpc, XmlRpcError } from "effect-managers/protocol/xmlrpc"
 * try {
 *   decodeXmlRpc(new TextEncoder().encode("<params>"))
 * } catch (e) {
 *   if (e instanceof XmlRpcError) console.log(e.reason)
 * }
 * ```
 * @category errors
 * @since 0.1.0
 */
export class XmlRpcError extends Data.TaggedError("XmlRpcError")<{
  /** What was wrong, in words. */
  readonly reason: string
}> {
  constructor(fields: { readonly reason: string }) {
    super(fields)
    // Non-enumerable so that the error's structural equality stays {reason}.
    Object.defineProperty(this, "message", { value: fields.reason, enumerable: false, writable: true, configurable: true })
  }
}

/**
 * A `<fault>` response: the peer reports a failure instead of a value. CPython
 * requires both members; any others are ignored, as `Fault(**extra)` does.
 *
 * @category errors
 * @since 0.1.0
 */
export class XmlRpcFault extends Data.TaggedError("XmlRpcFault")<{
  readonly faultCode: unknown
  readonly faultString: unknown
}> {
  constructor(fields: { readonly faultCode: unknown; readonly faultString: unknown }) {
    super(fields)
    Object.defineProperty(this, "message", {
      value: `<Fault ${String(fields.faultCode)}: ${JSON.stringify(fields.faultString)}>`,
      enumerable: false,
      writable: true,
      configurable: true
    })
  }
}

/** Builds the error for malformed or refused input. @since 0.1.0 */
export const malformed = (reason: string): XmlRpcError => new XmlRpcError({ reason })
