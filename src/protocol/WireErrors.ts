/**
 * Tagged errors as values on the wire: a tag, a message and the error's own
 * fields. A tag the codec knows (Python's errors, the manager's own) becomes
 * an instance of its class again, so `instanceof` and `catchTag` both work;
 * any other tag becomes an error that still carries that `_tag` and those
 * fields, so `catchTag` works on it too, and a client rebuilds it as its
 * class when a type it knows declares it (`Registry.define(..., { errors })`).
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { LimitExceeded, RemoteError } from "../domain/ManagerErrors.ts"
import { pythonErrorClasses } from "../domain/PythonErrors.ts"
import { ProtocolError } from "./ProtocolError.ts"

/** The wire form of an error: `[tag, message, fields]` (tag "" for an untagged Error). @category models @since 0.1.0 */
export type WireError = readonly [tag: string, message: string, fields: Record<string, unknown>]

/** A class of errors built from their fields, as `Data.TaggedError` classes are. @category models @since 0.1.0 */
export type ErrorClass = new(fields: any) => Error

// The errors every peer knows: Python's, and the manager's own that cross the wire as values.
const known: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ...Object.values(pythonErrorClasses).map((cls) => [new cls({ args: [], message: "" })._tag, cls] as const),
  ["LimitExceeded", LimitExceeded],
  ["RemoteError", RemoteError],
  ["ProtocolError", ProtocolError]
])

const ownFields = (e: Error): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(e)) {
    if (key === "_tag" || key === "stack" || key === "cause") continue
    out[key] = (e as unknown as Record<string, unknown>)[key]
  }
  return out
}

/** An error whose tag the receiver has no class for. @category errors @since 0.1.0 */
export class UnknownTaggedError extends Data.Error<{ readonly _tag: string; readonly message: string }> {}

/** An error as its wire form. @category encoding @since 0.1.0 */
export const toWire = (e: Error): WireError => {
  const tag = (e as { _tag?: unknown })._tag
  return [typeof tag === "string" ? tag : "", e.message, ownFields(e)]
}

/** An error back from its wire form: an instance of its class when the codec knows the tag. @category decoding @since 0.1.0 */
export const fromWire = (u: WireError): Error => {
  if (!Array.isArray(u) || u.length !== 3 || typeof u[0] !== "string" || typeof u[1] !== "string") {
    throw new globalThis.Error("malformed error extension")
  }
  const [tag, message, fields] = u
  const f = fields !== null && typeof fields === "object" ? fields : {}
  const cls = known.get(tag)
  if (cls !== undefined) return new cls({ ...f, message })
  if (tag === "") return Object.assign(new globalThis.Error(message), f)
  return new UnknownTaggedError({ ...f, _tag: tag, message })
}

/**
 * An error of a tag the codec did not know, rebuilt as an instance of the
 * class `classOf` gives for its tag (the errors a client's types declare);
 * any other error as it is.
 *
 * @category decoding
 * @since 0.1.0
 */
export const rebuild = (error: unknown, classOf: (tag: string) => ErrorClass | undefined): unknown => {
  if (!(error instanceof UnknownTaggedError)) return error
  const cls = classOf(error._tag)
  if (cls === undefined) return error
  const { _tag: _, ...fields } = error as unknown as Record<string, unknown>
  return new cls({ ...fields, message: error.message })
}
