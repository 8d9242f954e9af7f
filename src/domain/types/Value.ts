/**
 * A shared single value with a typecode (`manager.Value("i", 0)`), as
 * CPython's `multiprocessing.managers.Value`: `get`, `set`, and a copy that
 * keeps the typecode.
 *
 * @since 0.1.0
 */
import type { Eventually } from "../Eventually.ts"
import type { CellState } from "../state/Containers.ts"
import { SharedObject } from "./SharedObject.ts"

/** @since 0.1.0 */
export class Value extends SharedObject<CellState> {
  get typecode(): string {
    return this.state.typecode
  }

  get(): Eventually<unknown> {
    return this.state.get()
  }

  set(value: unknown): Eventually<void> {
    return this.state.set(value)
  }
}

/** What ValueProxy exposes. @since 0.1.0 */
export const valueExposed: ReadonlyArray<string> = ["get", "set"]
