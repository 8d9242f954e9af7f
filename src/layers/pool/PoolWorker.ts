/**
 * The program a Pool worker runs, in a worker thread or a child process:
 * it imports the pool's module once (and runs its initializer), then runs
 * the chunks it is sent, one at a time, calling the named export once per
 * item. A call may return a value, a Promise, or an Effect (run here, its
 * typed failure sent back as the task's error). It loads no Effect runtime
 * unless a task returns an Effect, so a worker starts in tens of
 * milliseconds.
 *
 * A worker process exits when its IPC channel closes: a server that dies
 * takes its workers with it.
 *
 * @since 0.1.0
 */
import { parentPort, threadId } from "node:worker_threads"
import { type FromWorker, sentError, type ToWorker } from "./WorkerProtocol.ts"

type Fn = (...args: ReadonlyArray<unknown>) => unknown

const send: (message: FromWorker) => void = parentPort !== null
  ? (message) => parentPort!.postMessage(message)
  : (message) => void process.send!(message)

const onMessage = (handler: (message: ToWorker) => void) => {
  if (parentPort !== null) parentPort.on("message", handler)
  else process.on("message", (m) => handler(m as ToWorker))
}

if (parentPort === null) process.on("disconnect", () => process.exit(0))

const isThenable = (u: unknown): u is PromiseLike<unknown> =>
  u !== null && (typeof u === "object" || typeof u === "function") && typeof (u as { then?: unknown }).then === "function"

// Effect's own mark of an Effect, checked without loading Effect; an error returned is a value.
const isEffect = (u: unknown): boolean => u !== null && typeof u === "object" && "~effect/Effect" in u && !(u instanceof Error)

const runEffect = async (effect: unknown): Promise<unknown> => {
  const { Cause, Effect, Exit } = await import("effect")
  const exit = await Effect.runPromiseExit(effect as import("effect").Effect.Effect<unknown, unknown>)
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.findErrorOption(exit.cause)
  if (failure._tag === "Some") throw failure.value
  const defect = Cause.findDefect(exit.cause)
  if (defect._tag === "Success") throw defect.success
  throw new Error(Cause.pretty(exit.cause))
}

// What a call gave, once it is there: a Promise's value, an Effect's success.
const settle = async (result: unknown): Promise<unknown> => {
  const value = isThenable(result) ? await result : result
  return isEffect(value) ? runEffect(value) : value
}

const call = (fn: Fn, args: ReadonlyArray<unknown>): Promise<unknown> => {
  try {
    return settle(fn(...args))
  } catch (e) {
    return Promise.reject(e)
  }
}

let functions: Record<string, Fn> = {}

const load = async (message: Extract<ToWorker, { _tag: "Load" }>) => {
  const found: Record<string, Fn> = {}
  try {
    const ns = await import(message.module) as Record<string, unknown>
    for (const [name, value] of Object.entries(ns)) if (typeof value === "function") found[name] = value as Fn
    if (message.initializer !== null && found[message.initializer] === undefined) {
      throw new Error(`it has no function named ${message.initializer} to be the initializer`)
    }
  } catch (e) {
    return send({ _tag: "LoadFailed", stage: "import", error: sentError(e) })
  }
  try {
    if (message.initializer !== null) await call(found[message.initializer]!, message.initargs)
  } catch (e) {
    return send({ _tag: "LoadFailed", stage: "initializer", error: sentError(e) })
  }
  functions = found
  send({ _tag: "Ready", functions: Object.keys(found), id: parentPort !== null ? threadId : process.pid })
}

const describeResults = (results: ReadonlyArray<unknown>): string => {
  const parts = results.map((r) => typeof r === "function" ? `<function ${r.name || "anonymous"}>` : typeof r === "symbol" ? r.toString() : Object.prototype.toString.call(r))
  const joined = `[${parts.join(", ")}]`
  return joined.length > 200 ? `${joined.slice(0, 197)}...` : joined
}

// Calls fn for each item in turn; only a call that gives a Promise or an Effect is awaited.
const runAll = async (fn: Fn, star: boolean, items: ReadonlyArray<unknown>): Promise<Array<unknown>> => {
  const results: Array<unknown> = []
  for (const item of items) {
    const r = star ? fn(...(item as ReadonlyArray<unknown>)) : fn(item)
    results.push(isThenable(r) || isEffect(r) ? await settle(r) : r)
  }
  return results
}

const run = async (message: Extract<ToWorker, { _tag: "Run" }>) => {
  let results: Array<unknown>
  try {
    results = await runAll(functions[message.fn]!, message.star, message.items)
  } catch (e) {
    send({ _tag: "Failed", chunk: message.chunk, error: sentError(e) })
    return
  }
  try {
    send({ _tag: "Done", chunk: message.chunk, results })
  } catch (e) {
    // A result the channel cannot carry (a function, a symbol): CPython's MaybeEncodingError.
    send({ _tag: "Failed", chunk: message.chunk, error: sentError(e), unsendable: describeResults(results) })
  }
}

onMessage((message) => {
  if (message._tag === "Load") void load(message)
  else void run(message)
})
