/**
 * Tagged errors as values on the wire: a tag, a message and the error's own
 * fields. A tag the receiver knows becomes an instance of its class again (so
 * `instanceof` and `catchTag` both work); an unknown tag becomes an error that
 * still carries that `_tag` and those fields, so `catchTag` works on it too.
 *
 * @since 0.1.0
 */
import { Data } from "effect"
import { LimitExceeded, RemoteError } from "../domain/ManagerErrors.ts"
import { pythonErrorClasses } from "../domain/PythonErrors.ts"

/** The wire form of an error: `[tag, message, fields]` (tag "" for an untagged Error). @category models @since 0.1.0 */
export type WireError = readonly [tag: string, message: string, fields: Record<string, unknown>]

/** A class of errors built from their fields, as `Data.TaggedError` classes are. @category models @since 0.1.0 */
export type ErrorClass = new(fields: any) => Error

const classes = new Map<string, ErrorClass>()
for (const cls of Object.values(pythonErrorClasses)) classes.set(new cls({ args: [], message: "" })._tag, cls)
// The manager's own errors that cross the wire as values.
classes.set("LimitExceeded", LimitExceeded)
classes.set("RemoteError", RemoteError)

/** Registers the protocol's own errors (kept apart to avoid an import cycle with the codec). @since 0.1.0 */
export const registerProtocolError = (cls: ErrorClass): void => {
  classes.set("ProtocolError", cls)
}

const ownFields = (e: Error): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(e)) {
    if (key === "_tag" || key === "stack" || key === "cause") continue
    out[key] = (e as unknown as Record<string, unknown>)[key]
  }
  return out
}

/** An error whose tag the receiver has no class for. @since 0.1.0 */
export class UnknownTaggedError extends Data.Error<{ readonly _tag: string; readonly message: string }> {}

/** Tagged error classes known by their tag, so that an error crossing the wire is rebuilt as an instance of its class. @category errors @since 0.1.0 */
export const ErrorRegistry = {
  /** Makes a tagged error class known by its tag, so it is rebuilt as an instance of it. */
  register(cls: ErrorClass, tag: string): void {
    classes.set(tag, cls)
  },
  toWire(e: Error): WireError {
    const tag = (e as { _tag?: unknown })._tag
    return [typeof tag === "string" ? tag : "", e.message, ownFields(e)]
  },
  fromWire(u: WireError): Error {
    if (!Array.isArray(u) || u.length !== 3 || typeof u[0] !== "string" || typeof u[1] !== "string") {
      throw new globalThis.Error("malformed error extension")
    }
    const [tag, message, fields] = u
    const f = fields !== null && typeof fields === "object" ? fields : {}
    const cls = classes.get(tag)
    if (cls !== undefined) return new cls({ ...f, message })
    if (tag === "") return Object.assign(new globalThis.Error(message), f)
    return new UnknownTaggedError({ ...f, _tag: tag, message })
  }
}
