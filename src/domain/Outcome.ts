/**
 * What a request comes to on the server, before a dialect encodes it: a
 * value, the referent's own error, a server-side failure (traceback text), or
 * a new shared object (method_to_typeid and create).
 *
 * @since 0.1.0
 */
import { Cause, Exit } from "effect"
import type { Token } from "./Token.ts"
import { formatTraceback } from "./Traceback.ts"

export { formatTraceback, tracebackText } from "./Traceback.ts"

/** @since 0.1.0 */
export type Outcome =
  | { readonly _tag: "Return"; readonly value: unknown }
  | { readonly _tag: "Error"; readonly error: unknown }
  | { readonly _tag: "Traceback"; readonly text: string }
  | { readonly _tag: "Proxy"; readonly token: Token; readonly exposed: ReadonlyArray<string> }
  | { readonly _tag: "Interrupted" }

/** @since 0.1.0 */
export const succeed = (value: unknown): Outcome => ({ _tag: "Return", value })
/** @since 0.1.0 */
export const traceback = (text: string): Outcome => ({ _tag: "Traceback", text })
/** @since 0.1.0 */
export const interrupted: Outcome = { _tag: "Interrupted" }

/** A referent's own error: a value with a string `_tag` (tagged errors, Python-mirroring errors). @since 0.1.0 */
export const isTagged = (e: unknown): boolean =>
  typeof e === "object" && e !== null && typeof (e as { _tag?: unknown })._tag === "string"

/** What a thrown value comes to. @since 0.1.0 */
export const fromThrown = (e: unknown): Outcome =>
  isTagged(e) ? { _tag: "Error", error: e } : traceback(formatTraceback(e))

/** What an Effect's exit comes to. @since 0.1.0 */
export const fromExit = (exit: Exit.Exit<unknown, unknown>): Outcome => {
  if (Exit.isSuccess(exit)) return succeed(exit.value)
  const cause = exit.cause
  const error = Cause.findErrorOption(cause)
  if (error._tag === "Some") return fromThrown(error.value)
  const defect = Cause.findDefect(cause)
  if (defect._tag === "Success") return traceback(formatTraceback(defect.success))
  if (Cause.hasInterrupts(cause)) return interrupted
  return traceback(Cause.pretty(cause))
}
