/**
 * The pickle decoder: CPython's unpickling machine (protocols 0 to 5) over a
 * byte array, producing the JS values of `src/domain/values`. It is written
 * for hostile input: every length is checked against the bytes left before
 * anything is allocated, nesting, memo, MARK depth, item count and hashing
 * work are capped, and no global is ever resolved or called (see
 * `Globals.ts`). Anything it will not decode fails with a `PickleError`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { Token } from "../../domain/Token.ts"
import { PyDict } from "../../domain/values/PyDict.ts"
import { ByteArray, NamespaceValue, PyFloat, PyObject, ValueCopy } from "../../domain/values/PyObjects.ts"
import { FrozenSet, PySet } from "../../domain/values/PySet.ts"
import { Tuple } from "../../domain/values/Tuple.ts"
import { applyBuild } from "./Build.ts"
import { DecodeStack, typeName } from "./DecodeStack.ts"
import { checkGraph } from "./GraphCheck.ts"
import { type GlobalContext, interpretsCall, newObject, type ProxyInfo, reduceGlobal, resolveGlobal } from "./Globals.ts"
import { Op, refusedOpcodes } from "./Opcodes.ts"
import { PickleError } from "./PickleError.ts"
import { PyCall, PyGlobal, type PyObjectFill } from "./Records.ts"
import { readTextOpcode } from "./TextOpcodes.ts"

/**
 * Limits and hooks for `decodePickle`. The defaults suit manager traffic;
 * raise them for peers that legitimately send very large values.
 *
 * @category models
 * @since 0.1.0
 */
export interface DecodeOptions {
  /** Deepest container nesting accepted (`[[1]]` is 2). Default 1000. */
  readonly maxDepth?: number
  /** Most memo entries, and the highest memo index + 1. Default 100_000. */
  readonly maxMemo?: number
  /** Most MARKs open at once. Default 1000. */
  readonly maxMarks?: number
  /** Most values pushed while decoding (every opcode result counts). Default 10_000_000. */
  readonly maxItems?: number
  /** Most containers and records built. Default 1_000_000. */
  readonly maxContainers?: number
  /**
   * Budget for work beyond reading the input, in units of about one character:
   * hashing dict keys and set items, and copying or formatting values that
   * whitelisted globals and BUILD are given. It is what stops a small pickle
   * from reusing a large or deeply shared value through the memo millions of
   * times. Default 50_000_000 plus 16 per input byte.
   */
  readonly maxWork?: number
  /** Called for each proxy read (`RebuildProxy(...)`), which decodes to its bare Token. */
  readonly onProxy?: (token: Token, info: ProxyInfo) => void
}


/** Exception args up to this weight, with no shared containers, get Python's repr in the message. */
const CHEAP_MESSAGE_WEIGHT = 10_000


class Reader extends DecodeStack {
  protocol = 0
  /** Tokens and Value copies made by NEWOBJ that still wait for their BUILD. */
  pending: Set<object> | undefined = undefined
  readonly ctx: GlobalContext

  constructor(bytes: Uint8Array, options: DecodeOptions | undefined) {
    super(bytes, {
      maxDepth: options?.maxDepth ?? 1000,
      maxMemo: options?.maxMemo ?? 100_000,
      maxMarks: options?.maxMarks ?? 1000,
      maxItems: options?.maxItems ?? 10_000_000,
      maxContainers: options?.maxContainers ?? 1_000_000,
      maxWork: options?.maxWork ?? 50_000_000 + 16 * bytes.length
    })
    this.ctx = { onProxy: options?.onProxy }
  }

  // ---- containers ----------------------------------------------------------

  tuple(start: number): void {
    const items = this.collect(start)
    // Sized construction and index writes: pushing onto an Array subclass is several times slower.
    const t = new Tuple<unknown>(items.length)
    for (let i = 0; i < items.length; i++) t[i] = items[i]
    this.pushContainer(t, this.lastDepth, this.lastWeight)
  }
  /** APPEND/APPENDS: the values from `start` go into the list (or record) just below them. */
  appendFrom(start: number): void {
    const target = start - 1
    if (target < this.fence()) throw this.fail("stack underflow (append target)")
    const list = this.stack[target]
    const items = this.collect(start)
    if (Array.isArray(list) && !(list instanceof Tuple)) {
      for (let i = 0; i < items.length; i++) list.push(items[i])
    } else if (list instanceof PyObject) {
      const fill = list as unknown as PyObjectFill
      fill.items ??= []
      for (let i = 0; i < items.length; i++) fill.items.push(items[i])
    } else {
      throw this.fail(`APPEND to ${typeName(list)}`)
    }
    if (items.length > 0) this.grow(target, this.lastDepth - 1, this.lastWeight - 1)
  }
  /** SETITEM/SETITEMS: key/value pairs from `start` go into the dict (or record) just below them. */
  setItemsFrom(start: number): void {
    const target = start - 1
    if (target < this.fence()) throw this.fail("stack underflow (setitems target)")
    if ((this.stack.length - start) % 2 !== 0) throw this.fail("SETITEMS with an odd number of values")
    const dict = this.stack[target]
    const keyWeights = this.weights.slice(start)
    const items = this.collect(start)
    if (dict instanceof PyDict) {
      for (let i = 0; i < items.length; i += 2) this.dictSet(dict, items[i], items[i + 1], keyWeights[i]!)
    } else if (dict instanceof PyObject) {
      const fill = dict as unknown as PyObjectFill
      fill.entries ??= []
      for (let i = 0; i < items.length; i += 2) fill.entries.push([items[i], items[i + 1]])
    } else {
      throw this.fail(`SETITEM on ${typeName(dict)}`)
    }
    if (items.length > 0) this.grow(target, this.lastDepth - 1, this.lastWeight - 1)
  }
  addItemsFrom(start: number): void {
    const target = start - 1
    if (target < this.fence()) throw this.fail("stack underflow (additems target)")
    const set = this.stack[target]
    const weights = this.weights.slice(start)
    const items = this.collect(start)
    if (!(set instanceof PySet) || set instanceof FrozenSet) throw this.fail(`ADDITEMS to ${typeName(set)}`)
    for (let i = 0; i < items.length; i++) this.setAdd(set, items[i], weights[i]!)
    if (items.length > 0) this.grow(target, this.lastDepth - 1, this.lastWeight - 1)
  }

  // ---- objects -------------------------------------------------------------

  /** Pushes a REDUCE/NEWOBJ result; a `fresh` Token or Value copy must get its BUILD before STOP. */
  afterNew(v: unknown, depth: number, weight: number, fresh: boolean): void {
    if (fresh && (v instanceof Token || v instanceof ValueCopy)) (this.pending ??= new Set()).add(v)
    this.pushContainer(v, depth, weight)
  }
  reduce(): void {
    const argsDepth = this.depths[this.stack.length - 1] ?? 0
    const argsWeight = this.weights[this.stack.length - 1] ?? 0
    const args = this.pop("REDUCE args")
    const fn = this.pop("REDUCE callable")
    if (!(args instanceof Tuple)) throw this.fail("REDUCE args must be a tuple")
    if (!(fn instanceof PyGlobal)) {
      // CPython writes this for some reductions (a functools.partial built
      // earlier in the pickle, then called); it can only be a record.
      if (!(fn instanceof PyObject)) throw this.fail(`REDUCE calls a ${typeName(fn)}`)
      this.afterNew(new PyCall(fn, args), argsDepth + 1, argsWeight + 1, false)
      return
    }
    // Whitelisted calls hash, copy or format their args; records only keep them.
    if (interpretsCall(fn)) this.charge(argsWeight)
    let value: unknown
    try {
      value = reduceGlobal(fn, args, this.ctx, argsWeight <= CHEAP_MESSAGE_WEIGHT && !this.shared)
    } catch (e) {
      if (e instanceof PickleError) throw e
      throw this.fail(`cannot rebuild ${fn}: ${e instanceof Error ? e.message : String(e)}`)
    }
    // Only the copyreg constructors make a fresh Token or Value; RebuildProxy returns a built one.
    this.afterNew(value, argsDepth + 1, argsWeight + 1, fn.module === "copyreg")
  }
  newObj(withKwargs: boolean): void {
    let kwargs: PyDict | null = null
    let depth = 0
    let weight = 1
    if (withKwargs) {
      depth = this.depths[this.stack.length - 1] ?? 0
      weight += this.weights[this.stack.length - 1] ?? 0
      const k = this.pop("NEWOBJ_EX kwargs")
      if (!(k instanceof PyDict)) throw this.fail("NEWOBJ_EX kwargs must be a dict")
      kwargs = k
    }
    depth = Math.max(depth, this.depths[this.stack.length - 1] ?? 0)
    weight += this.weights[this.stack.length - 1] ?? 0
    const args = this.pop("NEWOBJ args")
    const cls = this.pop("NEWOBJ class")
    if (!(cls instanceof PyGlobal)) throw this.fail(`NEWOBJ of a ${typeName(cls)}, not a class`)
    if (!(args instanceof Tuple)) throw this.fail("NEWOBJ args must be a tuple")
    this.afterNew(newObject(cls, args, kwargs), depth + 1, weight, true)
  }
  build(): void {
    const stateDepth = this.depths[this.stack.length - 1] ?? 0
    const stateWeight = this.weights[this.stack.length - 1] ?? 0
    const state = this.pop("BUILD state")
    const i = this.topIndex("BUILD target")
    // Filling a Namespace copies every attribute; reusing one large state must cost.
    if (this.stack[i] instanceof NamespaceValue) this.charge(stateWeight)
    const refused = applyBuild(this.stack[i], state, this.pending)
    if (refused !== undefined) throw this.fail(refused)
    this.grow(i, stateDepth, stateWeight)
  }

  finish(): unknown {
    if (this.pos !== this.end) throw this.fail(`${this.end - this.pos} trailing bytes after STOP`)
    if (this.marks.length > 0) throw this.fail("STOP with an open MARK")
    if (this.stack.length !== 1) throw this.fail(`STOP with ${this.stack.length} values on the stack`)
    if (this.pending !== undefined && this.pending.size > 0) throw this.fail("Token or Value without its BUILD state")
    const value = this.stack[0]
    const { maxDepth, maxWork } = this.limits
    const tooBig = `value expands to more than ${maxWork} units through shared references`
    if (this.weights[0]! > maxWork) throw this.fail(tooBig)
    if (this.shared) {
      const problem = checkGraph(value, maxDepth, maxWork)
      if (problem === "depth") throw this.fail(`nesting deeper than ${maxDepth}`)
      if (problem === "size") throw this.fail(tooBig)
    }
    return value
  }

  // ---- the machine ---------------------------------------------------------

  run(): unknown {
    const b = this.bytes
    for (;;) {
      if (this.pos >= this.end) throw this.fail("truncated: no STOP")
      this.opPos = this.pos
      const op = b[this.pos++]!
      switch (op) {
        case Op.PROTO: {
          const p = this.u8()
          if (p > 5) throw this.fail(`unsupported pickle protocol ${p}`)
          this.protocol = p
          break
        }
        case Op.FRAME:
          this.length(8, "FRAME")
          break
        case Op.STOP:
          return this.finish()
        case Op.MARK:
          if (this.marks.length >= this.limits.maxMarks) throw this.fail(`more than ${this.limits.maxMarks} open MARKs`)
          this.marks.push(this.stack.length)
          break
        case Op.POP:
          if (this.marks.length > 0 && this.fence() === this.stack.length) this.marks.pop()
          else this.pop("POP")
          break
        case Op.POP_MARK: {
          const k = this.popMark("POP_MARK")
          this.collect(k)
          break
        }
        case Op.DUP: {
          const i = this.topIndex("DUP")
          this.noteShared(this.stack[i])
          this.push(this.stack[i], this.depths[i]!, this.weights[i]!)
          break
        }
        case Op.MEMOIZE:
          this.memoPut(this.memoCount)
          break
        case Op.BINPUT:
          this.memoPut(this.u8())
          break
        case Op.LONG_BINPUT:
          this.memoPut(this.u32())
          break
        case Op.PUT:
          this.memoPut(this.memoIndexLine())
          break
        case Op.BINGET:
          this.memoGet(this.u8())
          break
        case Op.LONG_BINGET:
          this.memoGet(this.u32())
          break
        case Op.GET:
          this.memoGet(this.memoIndexLine())
          break
        case Op.NONE:
          this.push(null, 0, 1)
          break
        case Op.NEWTRUE:
          this.push(true, 0, 1)
          break
        case Op.NEWFALSE:
          this.push(false, 0, 1)
          break
        case Op.BININT1:
          this.push(this.u8(), 0, 1)
          break
        case Op.BININT2:
          this.push(this.u16(), 0, 1)
          break
        case Op.BININT:
          this.push(this.i32(), 0, 1)
          break
        case Op.LONG1: {
          const n = this.length(1, "LONG1")
          this.push(this.long(n), 0, 1 + n)
          break
        }
        case Op.LONG4: {
          const n = this.i32()
          if (n < 0) throw this.fail("negative LONG4 length")
          if (n > this.end - this.pos) throw this.fail(`LONG4 length ${n} exceeds the ${this.end - this.pos} bytes left`)
          this.push(this.long(n), 0, 1 + n)
          break
        }
        case Op.BINFLOAT: {
          this.need(8, "BINFLOAT")
          const f = this.view.getFloat64(this.pos, false)
          this.pos += 8
          this.push(Number.isInteger(f) ? new PyFloat(f) : f, 0, 1)
          break
        }
        case Op.SHORT_BINUNICODE:
          this.pushStr(this.length(1, "SHORT_BINUNICODE"))
          break
        case Op.BINUNICODE:
          this.pushStr(this.length(4, "BINUNICODE"))
          break
        case Op.BINUNICODE8:
          this.pushStr(this.length(8, "BINUNICODE8"))
          break
        case Op.SHORT_BINBYTES:
          this.pushBytes(this.length(1, "SHORT_BINBYTES"))
          break
        case Op.BINBYTES:
          this.pushBytes(this.length(4, "BINBYTES"))
          break
        case Op.BINBYTES8:
          this.pushBytes(this.length(8, "BINBYTES8"))
          break
        case Op.BYTEARRAY8: {
          const n = this.length(8, "BYTEARRAY8")
          const out = new ByteArray(n)
          out.set(this.bytes.subarray(this.pos, this.pos + n))
          this.pos += n
          this.push(out, 0, 1 + n)
          break
        }
        case Op.EMPTY_TUPLE:
          this.pushContainer(new Tuple(), 1, 1)
          break
        case Op.TUPLE1:
        case Op.TUPLE2:
        case Op.TUPLE3: {
          const n = op - Op.TUPLE1 + 1
          const start = this.stack.length - n
          if (start < this.fence()) throw this.fail(`stack underflow (TUPLE${n})`)
          this.tuple(start)
          break
        }
        case Op.TUPLE:
          this.tuple(this.popMark("TUPLE"))
          break
        case Op.EMPTY_LIST:
          this.pushContainer([], 1, 1)
          break
        case Op.LIST: {
          const items = this.collect(this.popMark("LIST"))
          this.pushContainer(items, this.lastDepth, this.lastWeight)
          break
        }
        case Op.APPEND:
          this.appendFrom(this.topIndex("APPEND"))
          break
        case Op.APPENDS:
          this.appendFrom(this.popMark("APPENDS"))
          break
        case Op.EMPTY_DICT:
          this.pushContainer(new PyDict(), 1, 1)
          break
        case Op.DICT: {
          const start = this.popMark("DICT")
          if ((this.stack.length - start) % 2 !== 0) throw this.fail("DICT with an odd number of values")
          const keyWeights = this.weights.slice(start)
          const items = this.collect(start)
          const d = new PyDict()
          for (let i = 0; i < items.length; i += 2) this.dictSet(d, items[i], items[i + 1], keyWeights[i]!)
          this.pushContainer(d, this.lastDepth, this.lastWeight)
          break
        }
        case Op.SETITEM: {
          const start = this.stack.length - 2
          if (start - 1 < this.fence()) throw this.fail("stack underflow (SETITEM)")
          this.setItemsFrom(start)
          break
        }
        case Op.SETITEMS:
          this.setItemsFrom(this.popMark("SETITEMS"))
          break
        case Op.EMPTY_SET:
          this.pushContainer(new PySet(), 1, 1)
          break
        case Op.ADDITEMS:
          this.addItemsFrom(this.popMark("ADDITEMS"))
          break
        case Op.FROZENSET: {
          const start = this.popMark("FROZENSET")
          const weights = this.weights.slice(start)
          const items = this.collect(start)
          const s = new FrozenSet()
          for (let i = 0; i < items.length; i++) this.setAdd(s, items[i], weights[i]!)
          this.pushContainer(s, this.lastDepth, this.lastWeight)
          break
        }
        case Op.GLOBAL: {
          const module = this.lineText()
          const name = this.lineText()
          this.push(resolveGlobal(module, name, this.protocol), 0, 1)
          break
        }
        case Op.STACK_GLOBAL: {
          const name = this.pop("STACK_GLOBAL name")
          const module = this.pop("STACK_GLOBAL module")
          if (typeof module !== "string" || typeof name !== "string") throw this.fail("STACK_GLOBAL requires two str")
          this.push(resolveGlobal(module, name, this.protocol), 0, 1)
          break
        }
        case Op.REDUCE:
          this.reduce()
          break
        case Op.NEWOBJ:
          this.newObj(false)
          break
        case Op.NEWOBJ_EX:
          this.newObj(true)
          break
        case Op.BUILD:
          this.build()
          break
        default:
          if (!readTextOpcode(this, op)) this.refuse(op)
      }
    }
  }

  pushStr(n: number): void {
    this.push(this.str(n), 0, 1 + n)
  }
  pushBytes(n: number): void {
    this.push(this.copy(n), 0, 1 + n)
  }
  refuse(op: number): never {
    const refused = refusedOpcodes.get(op)
    if (refused !== undefined) throw this.fail(`refused opcode ${refused}`)
    throw this.fail(`unknown opcode 0x${op.toString(16).padStart(2, "0")}`)
  }
  memoIndexLine(): number {
    const text = this.lineText()
    if (!/^\d{1,10}$/.test(text)) throw this.fail("bad memo index")
    return Number(text)
  }
}

/**
 * Decodes one pickle (CPython protocols 0 to 5) into JS values: None is
 * null, tuples are `Tuple`, dicts `PyDict`, sets `PySet`/`FrozenSet`, bytes
 * `Uint8Array`, ints numbers or bigints, integral floats `PyFloat`,
 * exceptions the classes of `PythonErrors.ts`, Tokens and proxies `Token`,
 * and anything outside the whitelist an inert `PyObject` record.
 *
 * The whole input must be one pickle: bytes after STOP are an error.
 *
 * @throws PickleError for anything it will not decode; never another error.
 * @category codecs
 * @since 0.1.0
 */
export const decodePickle = (bytes: Uint8Array, options?: DecodeOptions): unknown => {
  const reader = new Reader(bytes, options)
  try {
    return reader.run()
  } catch (e) {
    if (e instanceof PickleError) throw e
    // A bug or an engine limit must still surface as a decode failure, not a crash.
    throw new PickleError({ reason: `malformed pickle: ${e instanceof Error ? e.message : String(e)}`, offset: reader.opPos })
  }
}

/**
 * `decodePickle` as an Effect.
 *
 * @category codecs
 * @since 0.1.0
 */
export const decodePickleEffect = (bytes: Uint8Array, options?: DecodeOptions): Effect.Effect<unknown, PickleError> =>
  Effect.try({
    try: () => decodePickle(bytes, options),
    catch: (e) => e instanceof PickleError ? e : new PickleError({ reason: String(e), offset: 0 })
  })
