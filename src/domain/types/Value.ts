/**
 * A shared single value with a typecode (`manager.Value("i", 0)`), as
 * CPython's `multiprocessing.managers.Value`: `get`, `set`, and a copy that
 * keeps the typecode.
 *
 * @since 0.1.0
 */
import { getValue } from "../Referent.ts"
import { repr } from "../values/Equality.ts"
import { ValueCopy } from "../values/PyObjects.ts"

/** @since 0.1.0 */
export class Value {
  readonly typecode: string
  private current: unknown

  constructor(typecode: unknown, value: unknown = null, _lock: unknown = true) {
    this.typecode = String(typecode)
    this.current = value
  }

  get(): unknown {
    return this.current
  }

  set(value: unknown): void {
    this.current = value
  }

  [getValue](): ValueCopy {
    return new ValueCopy(this.typecode, this.current)
  }

  toString(): string {
    return `Value(${repr(this.typecode)}, ${repr(this.current)})`
  }
}

/** What ValueProxy exposes. @since 0.1.0 */
export const valueExposed: ReadonlyArray<string> = ["get", "set"]
