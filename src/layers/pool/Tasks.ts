/**
 * What a Pool method's arguments become: the inputs as a list (CPython's
 * rules for iterables), cut into chunks of calls (CPython's default chunk
 * size for map, 1 for imap), values a worker can be sent, callbacks that
 * are methods of this server's shared objects, and a worker's report of an
 * error back into the error the caller gets.
 *
 * @since 0.1.0
 */
import { type Effect } from "effect"
import { TaskError } from "../../domain/PoolErrors.ts"
import { MaybeEncodingError, TypeError, ValueError } from "../../domain/PythonErrors.ts"
import { Token } from "../../domain/Token.ts"
import { PyDict } from "../../domain/values/PyDict.ts"
import { PyFloat, PyObject } from "../../domain/values/PyObjects.ts"
import { fromWire } from "../../protocol/WireErrors.ts"
import { pythonCallable } from "./PoolSettings.ts"
import type { SentError } from "./WorkerProtocol.ts"

/** The inputs of map or imap as a list, as Python iterates them. @category utils @since 0.1.0 */
export const inputsOf = (iterable: unknown): ReadonlyArray<unknown> => {
  if (typeof iterable === "string") return [...iterable]
  // A dict iterates its keys.
  if (iterable instanceof PyDict || iterable instanceof Map) return [...(iterable as Map<unknown, unknown>).keys()]
  if (iterable !== null && typeof iterable === "object" && Symbol.iterator in iterable) return Array.from(iterable as Iterable<unknown>)
  throw TypeError.make(`'${iterable === null || iterable === undefined ? "NoneType" : typeof iterable}' object is not iterable`)
}

/** The arguments of one call of starmap: the item, iterated. @category utils @since 0.1.0 */
export const argumentsOf = (item: unknown): ReadonlyArray<unknown> => inputsOf(item)

/**
 * The chunk size: the one given (at least 1), or CPython's default for map
 * (inputs spread over four chunks per worker) and 1 for imap.
 *
 * @category utils
 * @since 0.1.0
 */
export const chunksizeOf = (given: unknown, inputs: number, processes: number, kind: "map" | "imap"): number => {
  if (given === null || given === undefined) return kind === "imap" ? 1 : Math.max(1, Math.ceil(inputs / (processes * 4)))
  if (typeof given !== "number" || !Number.isInteger(given)) throw TypeError.make("chunksize must be an int or None")
  if (given < 1) throw ValueError.make(`Chunksize must be 1+, not ${given}`)
  return given
}

// Python floats that are integral arrive boxed; a worker's function sees a number.
const plain = (u: unknown): unknown => {
  if (u instanceof PyFloat) return u.value
  if (Array.isArray(u)) return u.some((x) => x instanceof PyFloat || Array.isArray(x)) ? u.map(plain) : u
  return u
}

/** Cuts `inputs` (each one call's argument, or its arguments) into chunks of `size`. @category utils @since 0.1.0 */
export const chunksOf = (inputs: ReadonlyArray<unknown>, size: number): Array<ReadonlyArray<unknown>> => {
  const out: Array<ReadonlyArray<unknown>> = []
  for (let i = 0; i < inputs.length; i += size) out.push(plain(inputs.slice(i, i + size)) as ReadonlyArray<unknown>)
  return out
}

/** The name of the function a task calls, checked: Python functions cannot run here. @category utils @since 0.1.0 */
export const functionName = (fn: unknown, module: string): string => {
  if (typeof fn === "string") return fn
  const python = pythonCallable(fn)
  throw TypeError.make(
    python !== undefined
      ? `a Pool task names a function exported by ${module} (a string); got ${python}, which this server cannot run: its code stays in the Python process`
      : `a Pool task names a function exported by ${module} (a string), not a ${typeof fn}`
  )
}

/** A callback as a Pool keeps it: the object and method it calls, and the call. @category models @since 0.1.0 */
export interface TaskCallback {
  readonly token: Token
  readonly run: (value: unknown) => Effect.Effect<void>
}

/**
 * The object and method a callback names: `[proxy, "append"]` from our
 * clients, a proxy's bound method (`results.append`, which pickles as
 * `getattr(proxy, 'append')`) from CPython's.
 *
 * @category utils
 * @since 0.1.0
 */
export const callbackTarget = (u: unknown): { readonly token: Token; readonly method: string } | undefined => {
  if (u === null || u === undefined) return undefined
  const pair = Array.isArray(u)
    ? u
    : u instanceof PyObject && u.module === "builtins" && u.name === "getattr" && Array.isArray(u.args)
    ? u.args as ReadonlyArray<unknown>
    : undefined
  if (pair !== undefined && pair.length === 2 && pair[0] instanceof Token && typeof pair[1] === "string") {
    return { token: pair[0], method: pair[1] }
  }
  throw TypeError.make(
    `a Pool callback is a method of a shared object of this manager, given as [proxy, "method"] (from CPython, a proxy's bound method such as results.append); got ${
      pythonCallable(u) ?? typeof u
    }`
  )
}

/**
 * The error a caller gets for what a worker reported: a tagged error as
 * itself (its tag and fields; Python's and the manager's own as their
 * classes), anything else as a TaskError.
 *
 * @category decoding
 * @since 0.1.0
 */
export const errorOf = (sent: SentError): unknown =>
  sent.tag !== null
    ? fromWire([sent.tag, sent.message, sent.fields])
    : new TaskError({ errorName: sent.name, message: sent.message, traceback: sent.stack ?? undefined })

/** A chunk's results that its worker could not send (CPython's MaybeEncodingError). @category constructors @since 0.1.0 */
export const encodingError = (sent: SentError, value: string): MaybeEncodingError =>
  new MaybeEncodingError({ args: [sent.message, value], message: `Error sending result: '${value}'. Reason: '${sent.message}'` })
