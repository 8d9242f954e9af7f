/**
 * The functions the Pool tests run by name: CPython's _TestPool helpers
 * (sqr, mul, identity, raising, ...) and a few of ours (workers that crash,
 * errors with tags). Loaded by each worker, as Node runs it; it imports
 * nothing heavy, so a worker starts fast (Effect tasks are in
 * effect-tasks.ts).
 */
import { threadId } from "node:worker_threads"

// An error the manager knows by its tag, as Python's: it comes back as the manager's KeyError or ValueError.
const pythonError = (tag: "KeyError" | "ValueError", message: string) => Object.assign(new Error(message), { _tag: tag, args: [message] })

const pause = (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000))

/** CPython's sqr(x, wait=0.0). */
export const sqr = async (x: number, wait = 0) => {
  if (wait > 0) await pause(wait)
  return x * x
}

export const mul = (x: number, y: number) => x * y

export const identity = <A>(x: A): A => x

/** CPython's time.sleep, as a task. */
export const sleep = (seconds: number) => pause(seconds)

/** CPython's int(s), for the callbacks test: ValueError for what is not an int. */
export const toInt = (s: string) => {
  if (!/^\s*[-+]?\d+\s*$/.test(s)) throw pythonError("ValueError", `invalid literal for int() with base 10: '${s}'`)
  return Number.parseInt(s, 10)
}

/** CPython's raise_large_valuerror(wait). */
export const raiseLargeValueError = async (wait: number) => {
  await pause(wait)
  throw pythonError("ValueError", "x".repeat(1024 * 1024))
}

/** CPython's raising(): KeyError("key"). */
export const raising = () => {
  throw pythonError("KeyError", "key")
}

/** CPython's _test_traceback: an error of no tagged class. */
export const raisingRuntimeError = () => {
  throw new RangeError("123 (some comment)")
}

/** CPython's unpickleable_result(): a result no channel can carry. */
export const unsendableResult = () => () => 42

/** A tagged error of the module's own. */
export class Overdrawn extends Error {
  readonly _tag = "Overdrawn"
  readonly balance: number
  constructor(balance: number) {
    super(`overdrawn: the balance is ${balance}`)
    this.balance = balance
  }
}

/** Throws a tagged error of its own. */
export const withdraw = (balance: number, amount: number) => {
  if (amount > balance) throw new Overdrawn(balance)
  return balance - amount
}

/** Throws a value that is no Error. */
export const throwNumber = () => {
  throw 42
}

/** Ends its worker. */
export const exit = (code: number) => {
  process.exit(code)
}

/** Throws outside the task, in a timer: the worker dies of it. */
export const throwLater = () =>
  new Promise(() => {
    setTimeout(() => {
      throw "boom"
    }, 10)
  })

/** Which worker ran it (its input is ignored): its thread id, or its pid in a worker process. */
export const workerId = (_input?: unknown) => (threadId !== 0 ? threadId : process.pid)

let tasksRun = 0

/** Sleeps, counting the tasks this worker ran. */
export const countedSleep = async (seconds: number) => {
  tasksRun++
  await pause(seconds)
}

/** How many countedSleep tasks this worker ran. */
export const tasksRunHere = () => tasksRun

let greeting = "unset"

/** An initializer: what greet says. */
export const init = (word: string) => {
  greeting = word
}

export const greet = (name: string) => `${greeting}, ${name}`

/** An initializer that fails. */
export const failingInit = () => {
  throw new Overdrawn(-1)
}
