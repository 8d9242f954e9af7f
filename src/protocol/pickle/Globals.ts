/**
 * The global whitelist: the few Python callables and classes whose pickled
 * use the decoder turns into JS values (sets, bytes, slices, arrays,
 * exceptions, Tokens, proxies, Namespace and Value copies), and the inert
 * records everything else becomes.
 *
 * Policy: a global outside the whitelist is not an error. Whatever a pickle
 * does with it (REDUCE, NEWOBJ, BUILD, APPENDS, SETITEMS) is recorded in a
 * `PyObject` / `PyNewObject` / `PyGlobal` that writes back to an equivalent
 * pickle. That includes dangerous callables (`os.system`, `builtins.eval`,
 * `builtins.getattr`): they are names, never looked up, never called. Even
 * whitelisted builtins are "called" only with the argument shapes CPython
 * writes (`bytearray(10**9)` is a record, not an allocation).
 *
 * @since 0.1.0
 */
import { Token } from "../../domain/Token.ts"
import { PyDict } from "../../domain/values/PyDict.ts"
import { ByteArray, NamespaceValue, PyArray, PyObject, PyRange, Slice, ValueCopy } from "../../domain/values/PyObjects.ts"
import { FrozenSet, PySet } from "../../domain/values/PySet.ts"
import { Tuple } from "../../domain/values/Tuple.ts"
import { arrayItemsFromBytes, arrayItemsFromInitializer, arrayItemsFromMachineFormat, isArrayTypecode } from "./ArrayCodec.ts"
import { isExceptionGlobal, makeException } from "./Exceptions.ts"
import { PyGlobal, PyNewObject } from "./Records.ts"

/** What the decoder learns about a proxy it read (`RebuildProxy(...)`). @category models @since 0.1.0 */
export interface ProxyInfo {
  /** `ListProxy`, `AutoProxy`, ... for classes of `multiprocessing.managers`; `module.Name` otherwise. */
  readonly proxyClass: string
  /** The `exposed` tuple of an AutoProxy, when the pickle carried one. */
  readonly exposed?: ReadonlyArray<string>
}

/** Hooks a REDUCE may need from the decoder. @since 0.1.0 */
export interface GlobalContext {
  readonly onProxy: ((token: Token, info: ProxyInfo) => void) | undefined
}

const MANAGERS = "multiprocessing.managers"

// Python 2 names that CPython's unpickler maps for protocols 0-2 (fix_imports,
// Lib/_compat_pickle.py), limited to the modules this codec interprets.
const importMapping: ReadonlyMap<string, string> = new Map([
  ["__builtin__", "builtins"],
  ["copy_reg", "copyreg"],
  ["Queue", "queue"],
  ["exceptions", "builtins"]
])
const nameMapping: ReadonlyMap<string, readonly [string, string]> = new Map([
  ["__builtin__\0xrange", ["builtins", "range"]],
  ["__builtin__\0reduce", ["functools", "reduce"]],
  ["__builtin__\0intern", ["sys", "intern"]],
  ["__builtin__\0unichr", ["builtins", "chr"]],
  ["__builtin__\0unicode", ["builtins", "str"]],
  ["__builtin__\0long", ["builtins", "int"]],
  ["__builtin__\0basestring", ["builtins", "str"]],
  ["exceptions\0StandardError", ["builtins", "Exception"]]
])

/**
 * The global a pickle names, with Python 2 names mapped as CPython does for
 * protocols below 3.
 *
 * @since 0.1.0
 */
export const resolveGlobal = (module: string, name: string, protocol: number): PyGlobal => {
  if (protocol < 3) {
    const mapped = nameMapping.get(`${module}\0${name}`)
    if (mapped !== undefined) return new PyGlobal(mapped[0], mapped[1])
    const m = importMapping.get(module)
    if (m !== undefined) return new PyGlobal(m, name)
  }
  return new PyGlobal(module, name)
}

const isGlobal = (u: unknown, module: string, name: string): boolean =>
  u instanceof PyGlobal && u.module === module && u.name === name

const isBytes = (u: unknown): u is Uint8Array => u instanceof Uint8Array

const latin1 = new Set(["latin1", "latin-1", "latin_1", "iso-8859-1", "iso8859-1", "l1"])

const encodeLatin1 = (s: string): Uint8Array | undefined => {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0xff) return undefined
    out[i] = c
  }
  return out
}

const iterableItems = (u: unknown): ReadonlyArray<unknown> | undefined =>
  Array.isArray(u) ? u : u instanceof Set ? [...u] : undefined

const isSliceBound = (u: unknown): u is number | null => u === null || typeof u === "number"

type Reducer = (args: Tuple, ctx: GlobalContext) => unknown

// Each reducer returns `undefined` when the args are not the shape CPython
// writes; the caller then keeps the call as a record instead.
const reducers: ReadonlyMap<string, Reducer> = new Map<string, Reducer>([
  ["builtins\0set", (a) => {
    if (a.length === 0) return new PySet()
    const items = a.length === 1 ? iterableItems(a[0]) : undefined
    return items && new PySet(items)
  }],
  ["builtins\0frozenset", (a) => {
    if (a.length === 0) return new FrozenSet()
    const items = a.length === 1 ? iterableItems(a[0]) : undefined
    return items && new FrozenSet(items)
  }],
  ["builtins\0bytes", (a) => {
    if (a.length === 0) return new Uint8Array(0)
    return a.length === 1 && isBytes(a[0]) ? new Uint8Array(a[0]) : undefined
  }],
  ["builtins\0bytearray", (a) => {
    if (a.length === 0) return new ByteArray(0)
    if (a.length === 1 && isBytes(a[0])) return new ByteArray(a[0])
    if (a.length === 2 && typeof a[0] === "string" && typeof a[1] === "string" && latin1.has(a[1].toLowerCase())) {
      const b = encodeLatin1(a[0])
      return b && new ByteArray(b)
    }
    return undefined
  }],
  ["builtins\0range", (a) => {
    if (a.length < 1 || a.length > 3 || !a.every((x) => typeof x === "number" && Number.isSafeInteger(x))) return undefined
    const [start, stop, step] = (a.length === 1 ? [0, a[0], 1] : [a[0], a[1], a[2] ?? 1]) as [number, number, number]
    return step === 0 ? undefined : new PyRange(start, stop, step)
  }],
  ["builtins\0slice", (a) => {
    if (a.length === 1 && isSliceBound(a[0])) return new Slice(null, a[0], null)
    if ((a.length === 2 || a.length === 3) && a.every(isSliceBound)) {
      return new Slice(a[0] as number | null, a[1] as number | null, (a[2] ?? null) as number | null)
    }
    return undefined
  }],
  ["_codecs\0encode", (a) => {
    if (typeof a[0] !== "string") return undefined
    if (a.length === 2 && typeof a[1] === "string" && latin1.has(a[1].toLowerCase())) return encodeLatin1(a[0])
    if (a.length === 1 || (a.length === 2 && (a[1] === "utf-8" || a[1] === "utf8"))) {
      return a[0].isWellFormed() ? new TextEncoder().encode(a[0]) : undefined
    }
    return undefined
  }],
  ["array\0array", (a) => {
    if (a.length !== 2 || !isArrayTypecode(a[0])) return undefined
    const items = isBytes(a[1]) ? arrayItemsFromBytes(a[0], a[1]) : arrayItemsFromInitializer(a[0], a[1])
    return items && new PyArray(a[0], items)
  }],
  ["array\0_array_reconstructor", (a) => {
    if (a.length !== 4 || !isGlobal(a[0], "array", "array") || !isArrayTypecode(a[1]) || !isBytes(a[3])) return undefined
    const items = arrayItemsFromMachineFormat(a[1], a[2], a[3])
    return items && new PyArray(a[1], items)
  }],
  [`${MANAGERS}\0RebuildProxy`, (a, ctx) => {
    const [func, token, serializer, kwds] = a
    if (a.length !== 4 || !(func instanceof PyGlobal) || !(token instanceof Token)) return undefined
    if (typeof serializer !== "string" || !(kwds instanceof PyDict)) return undefined
    const exposed = kwds.get("exposed")
    let names: ReadonlyArray<string> | undefined
    if (Array.isArray(exposed) && exposed.every((x) => typeof x === "string")) names = [...exposed] as Array<string>
    else if (exposed !== undefined && exposed !== null) return undefined
    const proxyClass = func.module === MANAGERS ? func.name : `${func.module}.${func.name}`
    ctx.onProxy?.(token, names === undefined ? { proxyClass } : { proxyClass, exposed: names })
    return token
  }],
  ["copyreg\0_reconstructor", (a) => {
    // Protocol 0/1 object creation: `_reconstructor(cls, object, None)` is `cls.__new__(cls)`.
    if (a.length === 3 && a[0] instanceof PyGlobal && isGlobal(a[1], "builtins", "object") && a[2] === null) {
      return newWhitelisted(a[0])
    }
    return undefined
  }],
  ["copyreg\0__newobj__", (a) => {
    if (a.length === 1 && a[0] instanceof PyGlobal) return newWhitelisted(a[0])
    return undefined
  }]
])

/** `cls.__new__(cls)` for the classes the codec models; `undefined` for others. */
const newWhitelisted = (cls: PyGlobal): unknown => {
  if (cls.module !== MANAGERS) return undefined
  switch (cls.name) {
    case "Token":
      // Filled by the BUILD that follows (Token.__setstate__).
      return new Token("", "", "")
    case "Namespace":
      return new NamespaceValue()
    case "Value":
      return new ValueCopy("", null)
    default:
      return undefined
  }
}

/**
 * Whether REDUCE of `fn` computes something from its args (a whitelisted
 * callable or an exception class) rather than only recording the call.
 *
 * @since 0.1.0
 */
export const interpretsCall = (fn: PyGlobal): boolean =>
  reducers.has(`${fn.module}\0${fn.name}`) || isExceptionGlobal(fn.module, fn.name)

/**
 * The value of REDUCE: `fn(*args)` for whitelisted callables and exception
 * classes given the argument shapes CPython writes, else a `PyObject` record
 * of the call. `reprArgs` allows an exception message to include the repr of
 * non-str args (the decoder allows it when they are small and acyclic).
 *
 * @since 0.1.0
 */
export const reduceGlobal = (fn: PyGlobal, args: Tuple, ctx: GlobalContext, reprArgs: boolean): unknown => {
  const reducer = reducers.get(`${fn.module}\0${fn.name}`)
  if (reducer !== undefined) {
    const value = reducer(args, ctx)
    if (value !== undefined) return value
  } else if (isExceptionGlobal(fn.module, fn.name)) {
    return makeException(fn.module, fn.name, args, reprArgs)
  }
  return new PyObject(fn.module, fn.name, args)
}

/**
 * The value of NEWOBJ / NEWOBJ_EX: an empty Token, Namespace or Value copy
 * awaiting its BUILD, or a `PyNewObject` record for any other class.
 *
 * @since 0.1.0
 */
export const newObject = (cls: PyGlobal, args: Tuple, kwargs: PyDict | null): unknown => {
  if (args.length === 0 && (kwargs === null || kwargs.size === 0)) {
    const value = newWhitelisted(cls)
    if (value !== undefined) return value
  }
  return new PyNewObject(cls.module, cls.name, args, kwargs)
}
