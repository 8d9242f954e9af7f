/**
 * Python exceptions on the wire: which globals are exception classes, how a
 * pickled `REDUCE(cls, args)` becomes one of the error classes of
 * `PythonErrors.ts` (or a `PythonException` for any other exception), and how
 * an error is written back. An exception's `__dict__` (BUILD state: notes,
 * AttributeError's `name`) is kept on a side table so that it round-trips
 * without widening the error classes.
 *
 * @since 0.1.0
 */
import { KeyError, PythonException, type PythonError, pythonErrorClasses, QueueEmpty } from "../../domain/PythonErrors.ts"
import { repr } from "../../domain/values/Equality.ts"
import { PyFloat } from "../../domain/values/PyObjects.ts"
import { pythonType } from "../../domain/values/PythonType.ts"

type ErrorClass = new(fields: { readonly args: ReadonlyArray<unknown>; readonly message: string }) => PythonError

const knownClasses: ReadonlyArray<ErrorClass & { readonly pythonName: string }> = Object.values(pythonErrorClasses)

const known: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ...knownClasses.map((cls) => [cls.pythonName, cls] as const),
  // `queue.Empty` is the same class as `_queue.Empty`; CPython writes the latter.
  ["queue.Empty", QueueEmpty]
])

// Every exception class in builtins from 3.8 to 3.14 (aliases included: IOError and
// EnvironmentError are OSError, and CPython never writes them, but they load).
const builtinExceptions = new Set([
  "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup",
  "BlockingIOError", "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError",
  "ConnectionAbortedError", "ConnectionError", "ConnectionRefusedError", "ConnectionResetError",
  "DeprecationWarning", "EOFError", "EncodingWarning", "EnvironmentError", "Exception", "ExceptionGroup",
  "FileExistsError", "FileNotFoundError", "FloatingPointError", "FutureWarning", "GeneratorExit",
  "IOError", "ImportError", "ImportWarning", "IndentationError", "IndexError", "InterruptedError",
  "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError",
  "ModuleNotFoundError", "NameError", "NotADirectoryError", "NotImplementedError", "OSError",
  "OverflowError", "PendingDeprecationWarning", "PermissionError", "ProcessLookupError",
  "PythonFinalizationError", "RecursionError", "ReferenceError", "ResourceWarning", "RuntimeError",
  "RuntimeWarning", "StopAsyncIteration", "StopIteration", "SyntaxError", "SyntaxWarning",
  "SystemError", "SystemExit", "TabError", "TimeoutError", "TypeError", "UnboundLocalError",
  "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError", "UnicodeTranslateError",
  "UnicodeWarning", "UserWarning", "ValueError", "Warning", "ZeroDivisionError"
])

// Exceptions outside builtins that managers traffic can carry.
const otherExceptions = new Set([
  "multiprocessing.managers.RemoteError",
  "multiprocessing.context.ProcessError",
  "multiprocessing.context.BufferTooShort",
  "multiprocessing.context.TimeoutError",
  "multiprocessing.context.AuthenticationError",
  "multiprocessing.pool.MaybeEncodingError",
  "queue.ShutDown",
  "pickle.PicklingError",
  "pickle.UnpicklingError",
  "_pickle.PicklingError",
  "_pickle.UnpicklingError"
])

const isScalar = (u: unknown): boolean => typeof u !== "object" || u === null || u instanceof PyFloat

/**
 * Python's `str(exc)` for the given args: empty, the single argument (its
 * repr for KeyError), or the repr of the args tuple. Containers are shown by
 * type only unless `reprArgs`: the decoder allows repr only for small,
 * acyclic args, since repr walks the whole value.
 */
const messageOf = (pythonName: string, args: ReadonlyArray<unknown>, reprArgs: boolean): string => {
  const show = (u: unknown): string => (reprArgs || isScalar(u) ? repr(u) : `<${pythonType(u)} object>`)
  if (args.length === 0) return ""
  if (args.length === 1) {
    const arg = args[0]
    return typeof arg === "string" && pythonName !== KeyError.pythonName ? arg : show(arg)
  }
  return `(${args.map(show).join(", ")})`
}

/**
 * Whether `module.name` is an exception class the codec turns into an error
 * value (and may therefore "call" with REDUCE: building an error runs no
 * Python code).
 *
 * @since 0.1.0
 */
export const isExceptionGlobal = (module: string, name: string): boolean =>
  (module === "builtins" && builtinExceptions.has(name)) || known.has(`${module}.${name}`) ||
  otherExceptions.has(`${module}.${name}`)

/**
 * The error value for `module.name(*args)`: one of the classes of
 * `PythonErrors.ts` when it mirrors the exception, a `PythonException`
 * otherwise, with the message Python's `str(exc)` gives (see `messageOf`).
 * Call only when `isExceptionGlobal` holds.
 *
 * @since 0.1.0
 */
export const makeException = (
  module: string,
  name: string,
  args: ReadonlyArray<unknown>,
  reprArgs: boolean
): PythonError | PythonException => {
  const pythonName = `${module}.${name}`
  const cls = known.get(pythonName)
  const message = messageOf(pythonName, args, reprArgs)
  if (cls !== undefined) return new cls({ args: [...args], message })
  return new PythonException({ pythonName, args: [...args], message })
}

/**
 * True for the errors the codec writes as Python exceptions.
 *
 * @since 0.1.0
 */
export const isPythonError = (u: unknown): u is PythonError | PythonException => {
  if (u instanceof PythonException) return true
  for (const cls of knownClasses) if (u instanceof cls) return true
  return false
}

/**
 * The global and args an error is pickled as, e.g. `["builtins", "KeyError", ["k"]]`.
 *
 * @since 0.1.0
 */
export const exceptionGlobalOf = (
  error: PythonError | PythonException
): readonly [module: string, name: string, args: ReadonlyArray<unknown>] => {
  const pythonName = error instanceof PythonException
    ? error.pythonName
    : (error.constructor as { readonly pythonName?: unknown }).pythonName
  const full = typeof pythonName === "string" && pythonName.includes(".") ? pythonName : "builtins.Exception"
  const dot = full.lastIndexOf(".")
  return [full.slice(0, dot), full.slice(dot + 1), Array.isArray(error.args) ? error.args : []]
}

// The state travels on the error itself, under a symbol no codec writes as a field.
const pickledState: unique symbol = Symbol("effect-managers/pickle/exceptionState") as never

/**
 * The `__dict__` a CPython peer pickled with an exception (BUILD state such
 * as `{'__notes__': [...]}` or, on 3.12+, AttributeError's
 * `{'name': ..., 'args': ...}`), if any. It is written back with the error.
 *
 * @category conversions
 * @since 0.1.0
 */
export const exceptionState = (error: object): unknown => (error as { [pickledState]?: unknown })[pickledState]

/**
 * Attaches a `__dict__` to an error so the encoder writes it as BUILD state
 * (for example `{'__notes__': ['retry later']}` as a PyDict).
 *
 * @category conversions
 * @since 0.1.0
 */
export const setExceptionState = (error: object, state: unknown): void => {
  Object.defineProperty(error, pickledState, { value: state, enumerable: false, configurable: true })
}
