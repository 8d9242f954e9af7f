/**
 * What every SyncManager type has in common: its state, wherever it is
 * kept, and the referent hooks that state answers (a copy, the proxies it
 * holds, a description, its end).
 *
 * @since 0.1.0
 */
import { children, describe, dispose, getValue } from "../Referent.ts"
import type { StateBase } from "../state/Base.ts"

/** @category models @since 0.1.0 */
export abstract class SharedObject<S extends StateBase> {
  readonly state: S

  constructor(state: S) {
    this.state = state
  }

  [getValue]() {
    return this.state.snapshot()
  }

  [children]() {
    return this.state.children()
  }

  [describe]() {
    return this.state.describe()
  }

  [dispose]() {
    return this.state.dispose()
  }

  toString(): string {
    const d = this.state.describe()
    return typeof d === "string" ? d : `<${this.constructor.name}>`
  }
}
