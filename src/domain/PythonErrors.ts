/**
 * The failures of shared objects, named after the Python exceptions they
 * mirror so that CPython peers and Node peers see the same thing: a `KeyError`
 * raised by a dict on the server is a `KeyError` in a Node client and a
 * `builtins.KeyError` in a CPython one. Each carries the exception's `args`
 * and a message formatted as Python's `str(exc)`.
 *
 * @since 0.1.0
 */
import { type Cause, Data } from "effect"
import { repr } from "./values/Equality.ts"
import { Tuple } from "./values/Tuple.ts"

/** Fields shared by every Python-mirroring error. @category models @since 0.1.0 */
export interface PythonErrorFields {
  readonly args: ReadonlyArray<unknown>
  readonly message: string
}

const messageOf = (tag: string, args: ReadonlyArray<unknown>): string => {
  if (args.length === 0) return ""
  // KeyError shows its key as repr, every other exception as str (Python's rules).
  if (args.length === 1) return tag === "KeyError" || typeof args[0] !== "string" ? repr(args[0]) : args[0] as string
  return repr(Tuple.fromArray(args))
}

/**
 * The class every Python-mirroring error extends: a tagged error with the
 * exception's `args`, its Python global name, and `make(...args)`. Named so
 * that the declarations of the classes built from it can refer to it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PythonErrorClass<Tag extends string> {
  new(fields: PythonErrorFields): Cause.YieldableError & { readonly _tag: Tag } & Readonly<PythonErrorFields>
  /** The Python global this error is pickled as, e.g. `builtins.KeyError`. */
  readonly pythonName: string
  /** Builds the error from the exception's args, as `raise KeyError("k")` would. */
  make<T>(this: new(fields: PythonErrorFields) => T, ...args: ReadonlyArray<unknown>): T
}

const PythonError = <Tag extends string>(tag: Tag, pythonName: string): PythonErrorClass<Tag> => {
  class Base extends Data.TaggedError(tag)<PythonErrorFields> {
    /** The Python global this error is pickled as, e.g. `builtins.KeyError`. */
    static readonly pythonName = pythonName
    /** Builds the error from the exception's args, as `raise KeyError("k")` would. */
    static make<T>(this: new(fields: PythonErrorFields) => T, ...args: ReadonlyArray<unknown>): T {
      return new this({ args, message: messageOf(tag, args) })
    }
  }
  return Base
}

/** A missing key (`dict[k]`, `dict.pop(k)`, `set.remove(x)`). @category errors @since 0.1.0 */
export class KeyError extends PythonError("KeyError", "builtins.KeyError") {}
/** An index out of range (`list[i]`, `list.pop()` on an empty list). @category errors @since 0.1.0 */
export class IndexError extends PythonError("IndexError", "builtins.IndexError") {}
/** A right type with a wrong value (`list.index(x)` when x is absent, `task_done()` too often). @category errors @since 0.1.0 */
export class ValueError extends PythonError("ValueError", "builtins.ValueError") {}
/** A wrong type (`'<' not supported`, an unhashable key). @category errors @since 0.1.0 */
export class TypeError extends PythonError("TypeError", "builtins.TypeError") {}
/** A misuse of a lock or condition (`release unlocked lock`). @category errors @since 0.1.0 */
export class RuntimeError extends PythonError("RuntimeError", "builtins.RuntimeError") {}
/** A missing attribute on a Namespace. @category errors @since 0.1.0 */
export class AttributeError extends PythonError("AttributeError", "builtins.AttributeError") {}
/** An exhausted iterator. @category errors @since 0.1.0 */
export class StopIteration extends PythonError("StopIteration", "builtins.StopIteration") {}
/** A value out of range for an Array's typecode. @category errors @since 0.1.0 */
export class OverflowError extends PythonError("OverflowError", "builtins.OverflowError") {}
/** `get` on an empty Queue without blocking, or after its timeout (`queue.Empty`). @category errors @since 0.1.0 */
export class QueueEmpty extends PythonError("QueueEmpty", "_queue.Empty") {}
/** `put` on a full Queue without blocking, or after its timeout (`queue.Full`). @category errors @since 0.1.0 */
export class QueueFull extends PythonError("QueueFull", "queue.Full") {}
/** A Barrier that was aborted, reset, or timed out while waiting (`threading.BrokenBarrierError`). @category errors @since 0.1.0 */
export class BrokenBarrierError extends PythonError("BrokenBarrierError", "threading.BrokenBarrierError") {}
/** A Pool's result was not ready within the timeout of `get` (`multiprocessing.TimeoutError`). @category errors @since 0.1.0 */
export class TimeoutError extends PythonError("TimeoutError", "multiprocessing.context.TimeoutError") {}
/**
 * A Pool task's result could not be sent back from its worker
 * (`multiprocessing.pool.MaybeEncodingError`): its args are the reason and
 * the value, as CPython's.
 *
 * @category errors
 * @since 0.1.0
 */
export class MaybeEncodingError extends PythonError("MaybeEncodingError", "multiprocessing.pool.MaybeEncodingError") {}

/**
 * Any other Python exception a CPython peer raised, carried with its global
 * name (`module.Name`) and args.
 *
 * @category errors
 * @since 0.1.0
 */
export class PythonException extends Data.TaggedError("PythonException")<{
  readonly pythonName: string
  readonly args: ReadonlyArray<unknown>
  readonly message: string
}> {}

/** The Python-mirroring error classes, by tag. @since 0.1.0 */
export const pythonErrorClasses = {
  KeyError,
  IndexError,
  ValueError,
  TypeError,
  RuntimeError,
  AttributeError,
  StopIteration,
  OverflowError,
  QueueEmpty,
  QueueFull,
  BrokenBarrierError,
  TimeoutError,
  MaybeEncodingError
} as const

/** Any of the Python-mirroring errors. @category models @since 0.1.0 */
export type PythonError =
  | KeyError
  | IndexError
  | ValueError
  | TypeError
  | RuntimeError
  | AttributeError
  | StopIteration
  | OverflowError
  | QueueEmpty
  | QueueFull
  | BrokenBarrierError
  | TimeoutError
  | MaybeEncodingError
