/**
 * Python's blocking-call arguments: `block` and `timeout` in seconds, with
 * `None` meaning forever, checked and turned into milliseconds as CPython's
 * queue and threading modules do.
 *
 * @since 0.1.0
 */
import { ValueError } from "./PythonErrors.ts"

/**
 * Milliseconds to wait, or undefined to wait forever, for Queue-style
 * `(block, timeout)` arguments. A non-blocking call waits 0.
 *
 * @since 0.1.0
 */
export const queueTimeout = (block: unknown, timeout: unknown): number | undefined => {
  if (block === false || block === 0) return 0
  if (timeout === null || timeout === undefined) return undefined
  const seconds = Number(timeout)
  if (!(seconds >= 0)) throw ValueError.make("'timeout' must be a non-negative number")
  return seconds * 1000
}

/**
 * Milliseconds to wait, or undefined to wait forever, for Lock-style
 * `(blocking, timeout)` arguments where -1 means forever.
 *
 * @since 0.1.0
 */
export const lockTimeout = (blocking: unknown, timeout: unknown): number | undefined => {
  const t = timeout === null || timeout === undefined ? -1 : Number(timeout)
  if (blocking === false || blocking === 0) {
    if (t !== -1) throw ValueError.make("can't specify a timeout for a non-blocking call")
    return 0
  }
  if (t === -1) return undefined
  if (!(t >= 0)) throw ValueError.make("timeout value must be a non-negative number")
  return t * 1000
}

/**
 * Milliseconds to wait, or undefined to wait forever, for Semaphore-style
 * `(blocking, timeout)` arguments, where None means forever and a negative
 * timeout does not wait.
 *
 * @since 0.1.0
 */
export const semaphoreTimeout = (blocking: unknown, timeout: unknown): number | undefined => {
  const none = timeout === null || timeout === undefined
  if (blocking === false || blocking === 0) {
    if (!none) throw ValueError.make("can't specify timeout for non-blocking acquire")
    return 0
  }
  if (none) return undefined
  return Math.max(0, Number(timeout) * 1000)
}

/**
 * Milliseconds to wait, or undefined to wait forever, for `wait(timeout)`
 * (Event, Condition, Barrier), where None means forever and a negative
 * timeout does not wait.
 *
 * @since 0.1.0
 */
export const waitTimeout = (timeout: unknown): number | undefined => {
  if (timeout === null || timeout === undefined) return undefined
  return Math.max(0, Number(timeout) * 1000)
}
