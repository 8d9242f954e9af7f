/**
 * Inert records for the parts of a pickle the codec does not interpret: a
 * reference to a Python global (a class or function, by name only) and an
 * object made by `cls.__new__` (NEWOBJ / NEWOBJ_EX) rather than by calling
 * something (REDUCE, which decodes to a plain `PyObject`), and a call of a
 * callable that is itself a record. All write back to the pickle they came
 * from; nothing in them is ever looked up or called.
 *
 * @since 0.1.0
 */
import { PyObject } from "../../domain/values/PyObjects.ts"

/**
 * A Python global named by module and qualified name, such as the class of an
 * object or a function passed as a value. It is only a name.
 *
 * @category values
 * @since 0.1.0
 */
export class PyGlobal {
  readonly module: string
  readonly name: string
  constructor(module: string, name: string) {
    this.module = module
    this.name = name
  }
  toString(): string {
    return `${this.module}.${this.name}`
  }
}

/** True for a `PyGlobal` record. @category guards @since 0.1.0 */
export const isPyGlobal = (u: unknown): u is PyGlobal => u instanceof PyGlobal

/**
 * A `PyObject` built with NEWOBJ (`cls.__new__(cls, *args)`, what CPython
 * writes for instances of ordinary classes) or NEWOBJ_EX (with `kwargs`).
 * It is kept apart from REDUCE records because writing one back as REDUCE
 * would call `cls(*args)`, which runs `__init__` and is not the same object.
 *
 * @category values
 * @since 0.1.0
 */
export class PyNewObject extends PyObject {
  /** Keyword arguments of NEWOBJ_EX (a dict), or null for NEWOBJ. */
  readonly kwargs: unknown
  constructor(
    module: string,
    name: string,
    args: unknown,
    kwargs: unknown = null,
    state: unknown = null,
    items: ReadonlyArray<unknown> | null = null,
    entries: ReadonlyArray<readonly [unknown, unknown]> | null = null
  ) {
    super(module, name, args, state, items, entries)
    this.kwargs = kwargs
  }
}

/**
 * A call of something other than a global, e.g. a `functools.partial`
 * record that the pickle builds and then calls (CPython writes this for
 * keyword-only `__new__` arguments at protocols 2 and 3). `module` and `name`
 * are empty; the callable is the record in `callable`.
 *
 * @category values
 * @since 0.1.0
 */
export class PyCall extends PyObject {
  readonly callable: PyObject
  constructor(
    callable: PyObject,
    args: unknown,
    state: unknown = null,
    items: ReadonlyArray<unknown> | null = null,
    entries: ReadonlyArray<readonly [unknown, unknown]> | null = null
  ) {
    super("", "", args, state, items, entries)
    this.callable = callable
  }
}

/**
 * A record's mutable view, used only while the decoder fills it (BUILD,
 * APPENDS, SETITEMS): the memo may already hold the record, so it is filled
 * in place rather than rebuilt.
 *
 * @internal
 * @since 0.1.0
 */
export interface PyObjectFill {
  state: unknown
  items: Array<unknown> | null
  entries: Array<readonly [unknown, unknown]> | null
}
