/**
 * Tracebacks, as CPython lays them out: what a server-side failure says to
 * the caller (our `RemoteError` shows it; a CPython peer raises it in a
 * `RemoteError` of its own). The one place that spells the layout.
 *
 * @since 0.1.0
 */

const header = "Traceback (most recent call last):\n"

/**
 * A traceback whose exception line is `line` (`KeyError: 'x'`), with no frames.
 *
 * @category formatting
 * @since 0.1.0
 */
export const tracebackText = (line: string): string => `${header}${line}${line.endsWith("\n") ? "" : "\n"}`

/**
 * `text` as a traceback: unchanged when it is one already.
 *
 * @category formatting
 * @since 0.1.0
 */
export const asTraceback = (text: string): string => (text.startsWith("Traceback") ? text : tracebackText(text))

/**
 * The traceback of a thrown value: a JS error's stack frames, then its name
 * and message.
 *
 * @category formatting
 * @since 0.1.0
 */
export const formatTraceback = (e: unknown): string => {
  if (e instanceof Error) {
    const frames = (e.stack ?? "").split("\n").slice(1).map((l) => `  ${l.trim()}`).join("\n")
    return `${header}${frames}${frames ? "\n" : ""}${e.name}: ${e.message}\n`
  }
  return tracebackText(`Error: ${String(e)}`)
}
