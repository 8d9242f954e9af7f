/**
 * What a Pool and its workers say to each other, over a worker thread's
 * port or a child process's IPC channel (structured clone both ways): load
 * the module, run a chunk of calls to one of its functions, and what came of
 * it. Errors cross as {@link SentError}: a tagged error keeps its tag and
 * fields, so the caller gets it back as itself.
 *
 * This module is loaded by every worker: it imports nothing but types.
 *
 * @since 0.1.0
 */

/** What a worker reports about a thrown value. @category models @since 0.1.0 */
export interface SentError {
  /** The `_tag` of a tagged error; null for anything else. */
  readonly tag: string | null
  /** The error's name, or the type of a thrown value that is no Error. */
  readonly name: string
  readonly message: string
  readonly stack: string | null
  /** The error's own fields (those that survive a structured clone). */
  readonly fields: Record<string, unknown>
}

/** A message to a worker. @category models @since 0.1.0 */
export type ToWorker =
  /** Import the module (a URL, or a package name), then run its initializer with `initargs`. */
  | {
    readonly _tag: "Load"
    readonly module: string
    readonly initializer: string | null
    readonly initargs: ReadonlyArray<unknown>
  }
  /** Call `fn` once per item, in order: with the item (`fn(item)`), or, `star`, with its elements (`fn(...item)`). */
  | {
    readonly _tag: "Run"
    readonly chunk: number
    readonly fn: string
    readonly star: boolean
    readonly items: ReadonlyArray<unknown>
  }

/** A message from a worker. @category models @since 0.1.0 */
export type FromWorker =
  /** The module is loaded: the names of its exported functions. */
  | { readonly _tag: "Ready"; readonly functions: ReadonlyArray<string>; readonly id: number }
  /** The module could not be imported, or its initializer failed. */
  | { readonly _tag: "LoadFailed"; readonly stage: "import" | "initializer"; readonly error: SentError }
  /** Every call of the chunk returned: their results, in order. */
  | { readonly _tag: "Done"; readonly chunk: number; readonly results: ReadonlyArray<unknown> }
  /** A call of the chunk threw (the first one that did), or its results could not be sent. */
  | { readonly _tag: "Failed"; readonly chunk: number; readonly error: SentError; readonly unsendable?: string | undefined }

const isCloneable = (u: unknown): boolean => {
  try {
    structuredClone(u)
    return true
  } catch {
    return false
  }
}

const text = (u: unknown): string => {
  try {
    return String(u)
  } catch {
    return Object.prototype.toString.call(u)
  }
}

/**
 * A thrown value as a worker reports it.
 *
 * @category encoding
 * @since 0.1.0
 */
export const sentError = (e: unknown): SentError => {
  if (e === null || typeof e !== "object") {
    return { tag: null, name: e === null ? "null" : typeof e, message: text(e), stack: null, fields: {} }
  }
  const error = e as { readonly _tag?: unknown; readonly name?: unknown; readonly message?: unknown; readonly stack?: unknown }
  const fields: Record<string, unknown> = {}
  for (const key of Object.keys(e)) {
    if (key === "_tag" || key === "stack" || key === "cause" || key === "message" || key === "name") continue
    const value = (e as Record<string, unknown>)[key]
    if (isCloneable(value)) fields[key] = value
  }
  return {
    tag: typeof error._tag === "string" ? error._tag : null,
    name: typeof error.name === "string" ? error.name : (e.constructor?.name ?? "Object"),
    message: typeof error.message === "string" ? error.message : text(e),
    stack: typeof error.stack === "string" ? error.stack : null,
    fields
  }
}
