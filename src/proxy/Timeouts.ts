/**
 * Durations on the JS side, seconds on the wire: CPython's blocking methods
 * take `timeout` in seconds (None for forever).
 *
 * @since 0.1.0
 */
import { Duration } from "effect"

/** Seconds for a timeout, or null for none. Numbers are milliseconds. @since 0.1.0 */
export const toSeconds = (timeout: Duration.Input | null | undefined): number | null =>
  timeout === null || timeout === undefined ? null : Duration.toMillis(Duration.fromInputUnsafe(timeout)) / 1000

/** Options of a blocking call. @category models @since 0.1.0 */
export interface BlockingOptions {
  /** false: fail or give up at once instead of waiting (default true). */
  readonly block?: boolean | undefined
  /** How long to wait at most (default: forever). */
  readonly timeout?: Duration.Input | null | undefined
}
