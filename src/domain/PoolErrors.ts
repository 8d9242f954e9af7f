/**
 * How a Pool task can fail besides with its own error: its worker died under
 * it, the pool was terminated before it ran, or it threw something that has
 * no tag (an Error of no tagged class, or a value that is no Error). A task's
 * tagged error comes back as itself, with its own tag; these are the rest.
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/**
 * The worker running a task exited, or failed outside the task (an uncaught
 * error in a timer, `process.exit` in the task). The worker is replaced; the
 * tasks of its chunk fail with this.
 *
 * @category errors
 * @since 0.1.0
 */
export class WorkerCrashed extends Data.TaggedError("WorkerCrashed")<{
  /** The worker's exit code, when it exited (null when it was killed by a signal, or failed). */
  readonly exitCode: number | null
  /** What happened, as the worker reported it. */
  readonly reason: string
}> {
  override get message(): string {
    return `a Pool worker crashed while running the task: ${this.reason}`
  }
}

/**
 * The pool was terminated (or released) before the task completed.
 *
 * @category errors
 * @since 0.1.0
 */
export class PoolTerminated extends Data.TaggedError("PoolTerminated")<{}> {
  override get message(): string {
    return "the Pool was terminated before the task completed"
  }
}

/**
 * A task threw an error that has no tag, or threw a value that is not an
 * Error: its name, message and the worker's stack text.
 *
 * @category errors
 * @since 0.1.0
 */
export class TaskError extends Data.TaggedError("TaskError")<{
  /** The thrown error's name (`RangeError`), or the type of the thrown value (`number`). */
  readonly errorName: string
  readonly message: string
  /** The error's stack in the worker, when it had one. */
  readonly traceback?: string | undefined
}> {}

/** The failures a Pool adds to a task's own errors. @category models @since 0.1.0 */
export type PoolError = WorkerCrashed | PoolTerminated | TaskError
