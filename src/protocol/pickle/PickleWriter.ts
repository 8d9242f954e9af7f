/**
 * The pickle encoder: JS values (see `src/domain/values`) to pickles that
 * CPython 3.8+ `pickle.loads` reads back as the Python values they stand
 * for, at protocol 2, 3 or 4. Mutable containers are memoized before their
 * items are written, as CPython does, so shared and cyclic structures keep
 * their shape; a cycle that cannot be written (through tuples only) hits
 * the depth limit instead of looping.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Token } from "../../domain/Token.ts"
import { tokenOf } from "../../domain/TokenCarrier.ts"
import { ByteArray, NamespaceValue, PyArray, PyFloat, PyObject, PyRange, Slice, ValueCopy } from "../../domain/values/PyObjects.ts"
import { FrozenSet } from "../../domain/values/PySet.ts"
import { Tuple } from "../../domain/values/Tuple.ts"
import { addressToPython } from "./Address.ts"
import { exceptionGlobalOf, exceptionState, isPythonError } from "./Exceptions.ts"
import { Op } from "./Opcodes.ts"
import { OpcodeWriter } from "./OpcodeWriter.ts"
import { PickleError, unserializable } from "./PickleError.ts"
import { PyCall, PyGlobal, PyNewObject } from "./Records.ts"

/**
 * How a Token is written when it stands for a proxy: CPython rebuilds it as
 * `multiprocessing.managers.<proxyClass>` (or `module.Class` when the name
 * has a dot), with `exposed` passed for `AutoProxy`.
 *
 * @category models
 * @since 0.1.0
 */
export interface ProxyWrite {
  readonly proxyClass: string
  readonly exposed?: ReadonlyArray<string>
  /**
   * The manager's key, for a CPython peer's incref (its RebuildProxy would
   * use its own process key otherwise, cpython#139801). This puts the key on
   * the wire: only where the transport is private.
   */
  readonly authkey?: Uint8Array
}

/** Options of `encodePickle`. @category models @since 0.1.0 */
export interface EncodeOptions {
  /** Pickle protocol: 2, 3 or 4 (default 4, what CPython 3.8-3.13 send). */
  readonly protocol?: 2 | 3 | 4
  /** Wrap a protocol 4 body in one FRAME, as CPython does. Default true. */
  readonly frame?: boolean
  /**
   * Decides, per Token, whether it is written as a proxy
   * (`RebuildProxy(...)`) or as a bare Token (when it returns undefined).
   */
  readonly proxyFor?: (token: Token) => ProxyWrite | undefined
  /** Deepest nesting written. Default 1000 (CPython's own recursion limit). */
  readonly maxDepth?: number
  /**
   * Whether inert records (`PyObject`, `PyGlobal`) may be written back. Default
   * true. Turn it off where values from one peer are served to others and a
   * record naming e.g. `os.system` must not reach a CPython peer, which would
   * run it.
   */
  readonly allowRecords?: boolean
}

const MANAGERS = "multiprocessing.managers"
const BATCH = 1000

const describe = (u: unknown): string => {
  if (typeof u === "function") return `function ${u.name || "<anonymous>"}`
  if (typeof u === "symbol") return "symbol"
  if (typeof u === "object" && u !== null) return `instance of ${u.constructor?.name ?? "an unknown class"}`
  return typeof u
}

const isPlainObject = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

class Writer {
  readonly out: OpcodeWriter
  readonly memo = new Map<object, number>()
  readonly protocol: 2 | 3 | 4
  readonly proxyFor: ((token: Token) => ProxyWrite | undefined) | undefined
  readonly maxDepth: number
  readonly allowRecords: boolean
  readonly framed: boolean

  constructor(options: EncodeOptions | undefined) {
    this.protocol = options?.protocol ?? 4
    this.out = new OpcodeWriter(this.protocol)
    this.framed = this.protocol >= 4 && (options?.frame ?? true)
    this.proxyFor = options?.proxyFor
    this.maxDepth = options?.maxDepth ?? 1000
    this.allowRecords = options?.allowRecords ?? true
  }

  // ---- memo ----------------------------------------------------------------

  memoize(obj: object): void {
    const index = this.memo.size
    this.memo.set(obj, index)
    this.out.put(index)
  }

  // ---- containers ----------------------------------------------------------

  tuple(t: ReadonlyArray<unknown>, obj: object | null, depth: number): void {
    const out = this.out
    const n = t.length
    if (n === 0) return out.byte(Op.EMPTY_TUPLE)
    const small = n <= 3
    if (!small) out.byte(Op.MARK)
    for (let i = 0; i < n; i++) this.save(t[i], depth)
    const seen = obj === null ? undefined : this.memo.get(obj)
    if (seen !== undefined) {
      // The tuple was written (and memoized) while writing its own items,
      // through a cycle: drop this copy's items and use the memoized one.
      if (small) for (let i = 0; i < n; i++) out.byte(Op.POP)
      else out.byte(Op.POP_MARK)
      return this.out.get(seen)
    }
    out.byte(small ? Op.TUPLE1 + n - 1 : Op.TUPLE)
    if (obj !== null) this.memoize(obj)
  }
  /** MARK items op, in batches of 1000 as CPython does; `single` is the opcode for a lone item, if any. */
  batch(items: ReadonlyArray<unknown>, op: number, single: number | undefined, depth: number): void {
    for (let i = 0; i < items.length; i += BATCH) {
      const end = Math.min(items.length, i + BATCH)
      if (end - i === 1 && single !== undefined) {
        this.save(items[i], depth)
        this.out.byte(single)
        continue
      }
      this.out.byte(Op.MARK)
      for (let j = i; j < end; j++) this.save(items[j], depth)
      this.out.byte(op)
    }
  }
  pairs(entries: Iterable<readonly [unknown, unknown]>, depth: number): void {
    let count = 0
    let open = false
    for (const [k, v] of entries) {
      if (count === 0) {
        this.out.byte(Op.MARK)
        open = true
      }
      this.save(k, depth)
      this.save(v, depth)
      if (++count === BATCH) {
        this.out.byte(Op.SETITEMS)
        open = false
        count = 0
      }
    }
    if (open) this.out.byte(Op.SETITEMS)
  }
  list(a: ReadonlyArray<unknown>, depth: number): void {
    this.out.byte(Op.EMPTY_LIST)
    this.memoize(a)
    this.batch(a, Op.APPENDS, Op.APPEND, depth)
  }
  dict(obj: object, entries: Iterable<readonly [unknown, unknown]>, depth: number): void {
    this.out.byte(Op.EMPTY_DICT)
    this.memoize(obj)
    this.pairs(entries, depth)
  }
  set(s: ReadonlySet<unknown>, frozen: boolean, depth: number): void {
    const items = [...s]
    if (this.protocol < 4) {
      // No set opcodes before protocol 4: CPython writes set(list) / frozenset(list).
      this.out.global("builtins", frozen ? "frozenset" : "set")
      this.list(items, depth)
      this.out.byte(Op.TUPLE1)
      this.out.byte(Op.REDUCE)
      this.memoize(s)
      return
    }
    if (frozen) {
      this.out.byte(Op.MARK)
      for (const item of items) this.save(item, depth)
      const seen = this.memo.get(s)
      if (seen !== undefined) {
        this.out.byte(Op.POP_MARK)
        return this.out.get(seen)
      }
      this.out.byte(Op.FROZENSET)
      this.memoize(s)
      return
    }
    this.out.byte(Op.EMPTY_SET)
    this.memoize(s)
    this.batch(items, Op.ADDITEMS, undefined, depth)
  }

  // ---- objects -------------------------------------------------------------

  token(t: Token, depth: number): void {
    const info = this.proxyFor?.(t)
    if (info !== undefined) {
      this.out.global(MANAGERS, "RebuildProxy")
      this.out.byte(Op.MARK)
      this.proxyClass(info.proxyClass)
      this.bareToken(t)
      this.out.str("pickle")
      this.out.byte(Op.EMPTY_DICT)
      if (info.exposed !== undefined) {
        this.out.str("exposed")
        this.tuple(info.exposed, null, depth)
        this.out.byte(Op.SETITEM)
      }
      if (info.authkey !== undefined) {
        this.out.str("authkey")
        this.out.bytes(info.authkey)
        this.out.byte(Op.SETITEM)
      }
      this.out.byte(Op.TUPLE)
      this.out.byte(Op.REDUCE)
      return
    }
    this.bareToken(t)
  }
  /** `ListProxy` is `multiprocessing.managers.ListProxy`; a dotted name is a global elsewhere. */
  proxyClass(qualified: string): void {
    const dot = qualified.lastIndexOf(".")
    if (dot < 0) this.out.global(MANAGERS, qualified)
    else this.out.global(qualified.slice(0, dot), qualified.slice(dot + 1))
  }
  bareToken(t: Token): void {
    const address = addressToPython(t.address)
    if (address === undefined) throw unserializable(`Token address ${JSON.stringify(t.address)} (expected tcp:host:port or unix:path)`)
    this.out.global(MANAGERS, "Token")
    this.out.byte(Op.EMPTY_TUPLE)
    this.out.byte(Op.NEWOBJ)
    this.out.str(t.typeid)
    if (typeof address === "string") this.out.str(address)
    else {
      this.out.str(address[0] as string)
      this.out.int(address[1] as number)
      this.out.byte(Op.TUPLE2)
    }
    this.out.str(t.id)
    this.out.byte(Op.TUPLE3)
    this.out.byte(Op.BUILD)
  }
  /** `cls.__new__(cls)` then `BUILD(state)`: how CPython writes Namespace and Value. */
  newWithState(name: string, obj: object, state: Iterable<readonly [unknown, unknown]>, depth: number): void {
    this.out.global(MANAGERS, name)
    this.out.byte(Op.EMPTY_TUPLE)
    this.out.byte(Op.NEWOBJ)
    this.memoize(obj)
    this.out.byte(Op.EMPTY_DICT)
    this.pairs(state, depth)
    this.out.byte(Op.BUILD)
  }
  record(r: PyObject, depth: number): void {
    const args = r.args === null ? new Tuple() : Array.isArray(r.args) ? r.args : undefined
    if (args === undefined) throw unserializable(`${r.module}.${r.name} record whose args are not a tuple`)
    if (r instanceof PyNewObject) {
      const kwargs = r.kwargs
      if (kwargs !== null && this.protocol < 4) {
        this.out.global("copyreg", "__newobj_ex__")
        this.out.global(r.module, r.name)
        this.tuple(args, null, depth)
        this.save(kwargs, depth)
        this.out.byte(Op.TUPLE3)
        this.out.byte(Op.REDUCE)
      } else {
        this.out.global(r.module, r.name)
        this.tuple(args, null, depth)
        if (kwargs !== null) this.save(kwargs, depth)
        this.out.byte(kwargs !== null ? Op.NEWOBJ_EX : Op.NEWOBJ)
      }
    } else {
      if (r instanceof PyCall) this.save(r.callable, depth)
      else this.out.global(r.module, r.name)
      this.tuple(args, null, depth)
      this.out.byte(Op.REDUCE)
    }
    this.memoize(r)
    if (r.items !== null && r.items.length > 0) this.batch(r.items, Op.APPENDS, Op.APPEND, depth)
    if (r.entries !== null && r.entries.length > 0) this.pairs(r.entries, depth)
    if (r.state !== null) {
      this.save(r.state, depth)
      this.out.byte(Op.BUILD)
    }
  }
  exception(e: object, module: string, name: string, args: ReadonlyArray<unknown>, depth: number): void {
    this.out.global(module, name)
    this.tuple(args, null, depth)
    this.out.byte(Op.REDUCE)
    this.memoize(e)
    const state = exceptionState(e)
    if (state !== undefined && state !== null) {
      this.save(state, depth)
      this.out.byte(Op.BUILD)
    }
  }

  save(v: unknown, parentDepth: number): void {
    const out = this.out
    switch (typeof v) {
      case "undefined":
        return out.byte(Op.NONE)
      case "boolean":
        return out.byte(v ? Op.NEWTRUE : Op.NEWFALSE)
      case "number":
        return Number.isInteger(v) ? this.out.int(v) : this.out.float(v)
      case "bigint":
        return this.out.int(v)
      case "string":
        return this.out.str(v)
      case "object":
        break
      default:
        throw unserializable(describe(v))
    }
    if (v === null) return out.byte(Op.NONE)
    const depth = parentDepth + 1
    if (depth > this.maxDepth) throw unserializable(`nesting deeper than ${this.maxDepth} (or a cycle through tuples)`)
    const seen = this.memo.get(v)
    if (seen !== undefined) return this.out.get(seen)
    if (v instanceof Tuple) return this.tuple(v, v, depth)
    if (Array.isArray(v)) return this.list(v, depth)
    if (v instanceof Uint8Array) {
      if (!(v instanceof ByteArray)) return this.out.bytes(v)
      this.out.global("builtins", "bytearray")
      this.out.bytes(v)
      out.byte(Op.TUPLE1)
      out.byte(Op.REDUCE)
      return
    }
    if (v instanceof PyFloat) return this.out.float(v.value)
    if (v instanceof Map) return this.dict(v, v.entries(), depth)
    if (v instanceof Set) return this.set(v, v instanceof FrozenSet, depth)
    if (v instanceof Token) return this.token(v, depth)
    const carried = tokenOf(v)
    if (carried !== undefined) return this.token(carried, depth)
    if (v instanceof Slice) {
      this.out.global("builtins", "slice")
      this.tuple([v.start, v.stop, v.step], null, depth)
      out.byte(Op.REDUCE)
      return
    }
    if (v instanceof PyRange) {
      this.out.global("builtins", "range")
      this.tuple([v.start, v.stop, v.step], null, depth)
      out.byte(Op.REDUCE)
      return
    }
    if (v instanceof PyArray) {
      // The list form: portable, unlike the machine-layout bytes managers.py writes.
      this.out.global("array", "array")
      this.out.str(v.typecode)
      this.list(v.items, depth)
      out.byte(Op.TUPLE2)
      out.byte(Op.REDUCE)
      return
    }
    if (v instanceof NamespaceValue) return this.newWithState("Namespace", v, Object.entries(v), depth)
    if (v instanceof ValueCopy) {
      return this.newWithState("Value", v, [["_typecode", v.typecode], ["_value", v.value]], depth)
    }
    if (isPythonError(v)) {
      const [module, name, args] = exceptionGlobalOf(v)
      return this.exception(v, module, name, args, depth)
    }
    if (v instanceof PyObject || v instanceof PyGlobal) {
      if (!this.allowRecords) throw unserializable(`record of ${v.module}.${v.name} (records are not allowed here)`)
      return v instanceof PyGlobal ? this.out.global(v.module, v.name) : this.record(v, depth)
    }
    if (isPlainObject(v)) return this.dict(v, Object.entries(v), depth)
    throw unserializable(describe(v))
  }

  run(value: unknown): Uint8Array {
    const out = this.out
    out.byte2(Op.PROTO, this.protocol)
    const frameAt = out.pos
    if (this.framed) {
      out.byte(Op.FRAME)
      out.u64(0)
    }
    this.save(value, 0)
    out.byte(Op.STOP)
    if (this.framed) out.view.setUint32(frameAt + 1, out.pos - frameAt - 9, true)
    return out.result()
  }
}

/**
 * Encodes a JS value as a pickle CPython can load. See `decodePickle` for
 * the value mapping; in addition any `Map` or plain object is a dict, any
 * `Set` a set, a JS number is an int when integral and a float otherwise,
 * and `undefined` is None. Tokens are bare Tokens unless `proxyFor` makes
 * them proxies.
 *
 * @throws PickleError with a reason starting `unserializable:` for values
 *   with no Python counterpart (functions, symbols, other class instances).
 * @category codecs
 * @since 0.1.0
 */
export const encodePickle = (value: unknown, options?: EncodeOptions): Uint8Array => {
  try {
    return new Writer(options).run(value)
  } catch (e) {
    if (e instanceof PickleError) throw e
    // Errors thrown by user code (getters, iterators) or engine limits.
    throw unserializable(e instanceof Error ? e.message : String(e))
  }
}

/**
 * `encodePickle` as an Effect.
 *
 * @category codecs
 * @since 0.1.0
 */
export const encodePickleEffect = (value: unknown, options?: EncodeOptions): Effect.Effect<Uint8Array, PickleError> =>
  Effect.try({
    try: () => encodePickle(value, options),
    catch: (e) => e instanceof PickleError ? e : unserializable(String(e))
  })
