/**
 * Python values that have no native JS counterpart but must survive a round
 * trip through a manager: an integral float, a bytearray, a slice, an
 * `array.array`, copies of Namespace and Value, and a record for any other
 * Python object (never executed, only carried).
 *
 * @since 0.1.0
 */

/**
 * A Python float whose value is integral (`1.0`). Non-integral floats are
 * plain numbers; this box keeps `1.0` from becoming the int `1` when a CPython
 * peer writes it and reads it back. JS peers receive it as a number.
 *
 * @category values
 * @since 0.1.0
 */
export class PyFloat {
  readonly value: number
  constructor(value: number) {
    this.value = value
  }
  valueOf(): number {
    return this.value
  }
  toString(): string {
    return Number.isFinite(this.value) ? this.value.toFixed(1) : String(this.value)
  }
}

/** A Python `bytearray`: mutable bytes, distinct from `bytes` (a plain Uint8Array). @category values @since 0.1.0 */
export class ByteArray extends Uint8Array {}

/** A Python `slice(start, stop, step)`. @category values @since 0.1.0 */
export class Slice {
  readonly start: number | null
  readonly stop: number | null
  readonly step: number | null
  constructor(start: number | null, stop: number | null, step: number | null = null) {
    this.start = start
    this.stop = stop
    this.step = step
  }
}

/**
 * A Python `range(start, stop, step)`: iterable, and a range again when it
 * goes back to a CPython peer (`manager.list(range(10))`).
 *
 * @since 0.1.0
 */
export class PyRange {
  readonly start: number
  readonly stop: number
  readonly step: number
  constructor(start: number, stop: number, step = 1) {
    this.start = start
    this.stop = stop
    this.step = step
  }
  get length(): number {
    const n = Math.ceil((this.stop - this.start) / this.step)
    return n > 0 ? n : 0
  }
  *[Symbol.iterator](): Generator<number> {
    for (let i = 0; i < this.length; i++) yield this.start + i * this.step
  }
}

/**
 * A Python `array.array`: a typecode (`"i"`, `"d"`, ...) and its items.
 *
 * @category values
 * @since 0.1.0
 */
export class PyArray {
  readonly typecode: string
  readonly items: Array<number | bigint | string>
  constructor(typecode: string, items: Array<number | bigint | string>) {
    this.typecode = typecode
    this.items = items
  }
}

/**
 * A copy of a shared Namespace: its attributes as own properties.
 *
 * @category values
 * @since 0.1.0
 */
export class NamespaceValue {
  constructor(attributes: Record<string, unknown> = {}) {
    Object.assign(this, attributes)
  }
}

/** A copy of a shared Value: its typecode and value. @category values @since 0.1.0 */
export class ValueCopy {
  readonly typecode: string
  readonly value: unknown
  constructor(typecode: string, value: unknown) {
    this.typecode = typecode
    this.value = value
  }
}

/**
 * A Python object of a class outside the codec's whitelist. It is decoded
 * into this inert record and can be written back unchanged; nothing in it is
 * ever called.
 *
 * @category values
 * @since 0.1.0
 */
export class PyObject {
  readonly module: string
  readonly name: string
  readonly args: unknown
  readonly state: unknown
  readonly items: ReadonlyArray<unknown> | null
  readonly entries: ReadonlyArray<readonly [unknown, unknown]> | null
  constructor(
    module: string,
    name: string,
    args: unknown = null,
    state: unknown = null,
    items: ReadonlyArray<unknown> | null = null,
    entries: ReadonlyArray<readonly [unknown, unknown]> | null = null
  ) {
    this.module = module
    this.name = name
    this.args = args
    this.state = state
    this.items = items
    this.entries = entries
  }
}
