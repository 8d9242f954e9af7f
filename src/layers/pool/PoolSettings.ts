/**
 * What a Pool is created with, checked as CPython checks it (`processes` at
 * least 1, `maxtasksperchild` a positive int), plus what a Pool of ours
 * needs and CPython's does not: the module whose exported functions its
 * tasks name. A CPython client's `m.Pool()` names no module (it would send
 * Python functions): it is told why that cannot work here, and what can.
 *
 * @since 0.1.0
 */
import { availableParallelism } from "node:os"
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { TypeError, ValueError } from "../../domain/PythonErrors.ts"
import { PyObject } from "../../domain/values/PyObjects.ts"
import { PyGlobal } from "../../protocol/pickle/Records.ts"
import type { WorkerKind } from "./Workers.ts"

/** A Pool's settings, checked. @category models @since 0.1.0 */
export interface PoolSettings {
  readonly processes: number
  /** The module as it was given (for messages). */
  readonly module: string
  /** The module as a worker imports it: a file URL, or a package name. */
  readonly url: string
  readonly initializer: string | null
  readonly initargs: ReadonlyArray<unknown>
  readonly maxtasksperchild: number | null
  readonly workers: WorkerKind
}

/** What a CPython client that made a Pool without a module is told. @category constants @since 0.1.0 */
export const noModuleMessage =
  "a Pool on an effect-managers server runs JavaScript functions exported by a module, by name, in Node workers; " +
  "CPython's Pool would send Python functions, which this server cannot run. For Python functions use " +
  "multiprocessing.Pool in the Python process; to use this server's Pool, name the module and then the functions: " +
  "m.Pool(2, module='/absolute/path/tasks.js'), then pool.map('square', items)"

/** What a Python value that names a Python function is called in messages, if it is one. @category utils @since 0.1.0 */
export const pythonCallable = (u: unknown): string | undefined =>
  u instanceof PyGlobal ? `the Python function ${u.module}.${u.name}` : u instanceof PyObject ? `the Python object ${u.module}.${u.name}(...)` : undefined

const isPath = (module: string) => module.startsWith(".") || isAbsolute(module)

/** The module as a worker imports it: a path (relative ones from the server's working directory) as a file URL. @category utils @since 0.1.0 */
export const importable = (module: string): string => (isPath(module) ? pathToFileURL(resolve(module)).href : module)

/** The most workers one Pool may have: a typo must not start a thread per request. @category constants @since 0.1.0 */
export const maxProcesses = 1024

const positiveInt = (u: unknown): boolean => typeof u === "number" && Number.isInteger(u) && u > 0

/**
 * Checks a Pool's arguments, as they arrive (positional as CPython's
 * `Pool(processes, initializer, initargs, maxtasksperchild, context)`, then
 * ours by keyword: `module`, `workers`).
 *
 * @category constructors
 * @since 0.1.0
 */
export const settingsOf = (args: {
  readonly processes: unknown
  readonly initializer: unknown
  readonly initargs: unknown
  readonly maxtasksperchild: unknown
  readonly context: unknown
  readonly module: unknown
  readonly workers: unknown
}): PoolSettings => {
  const { context, initargs, initializer, maxtasksperchild, module, processes, workers } = args
  if (module === null || module === undefined) throw TypeError.make(noModuleMessage)
  if (typeof module !== "string" || module === "") {
    throw TypeError.make(`module names a JavaScript module (a path or a package); got ${pythonCallable(module) ?? typeof module}`)
  }
  const n = processes === null || processes === undefined ? availableParallelism() : processes
  if (typeof n !== "number" || !Number.isInteger(n)) throw TypeError.make("processes must be an int or None")
  if (n < 1) throw ValueError.make("Number of processes must be at least 1")
  if (n > maxProcesses) throw ValueError.make(`a Pool has at most ${maxProcesses} workers`)
  if (maxtasksperchild !== null && maxtasksperchild !== undefined && !positiveInt(maxtasksperchild)) {
    throw ValueError.make("maxtasksperchild must be a positive int or None")
  }
  if (initializer !== null && initializer !== undefined && typeof initializer !== "string") {
    throw TypeError.make(`initializer names a function the module exports; got ${pythonCallable(initializer) ?? typeof initializer}`)
  }
  if (initargs !== null && initargs !== undefined && !Array.isArray(initargs)) throw TypeError.make("initargs must be a tuple or list")
  if (context !== null && context !== undefined) throw ValueError.make("a Pool on this server takes no multiprocessing context")
  if (workers !== null && workers !== undefined && workers !== "threads" && workers !== "processes") {
    throw ValueError.make(`workers is "threads" or "processes", not ${JSON.stringify(workers)}`)
  }
  return {
    processes: n,
    module,
    url: importable(module),
    initializer: (initializer as string | null | undefined) ?? null,
    initargs: (initargs as ReadonlyArray<unknown> | null | undefined) ?? [],
    maxtasksperchild: (maxtasksperchild as number | null | undefined) ?? null,
    workers: (workers as WorkerKind | null | undefined) ?? "threads"
  }
}
