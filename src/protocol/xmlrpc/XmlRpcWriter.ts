/**
 * The XML-RPC encoder: writes a JS value exactly as CPython's
 * `xmlrpc.client.dumps((value,), None, None, None, 1).encode('utf-8')` writes
 * the Python value it stands for (the frames of a manager started with
 * `serializer='xmlrpclib'`), byte for byte, and refuses what CPython's
 * `Marshaller` refuses, with CPython's message.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { PythonError, PythonException } from "../../domain/PythonErrors.ts"
import { Token } from "../../domain/Token.ts"
import { NamespaceValue, PyArray, PyFloat, PyObject, Slice, ValueCopy } from "../../domain/values/PyObjects.ts"
import { exceptionGlobalOf, exceptionState, isPythonError } from "../pickle/Exceptions.ts"
import { encodeBase64Lines, floatRepr, formatDateTime } from "./Scalars.ts"
import { XmlRpcError } from "./XmlRpcError.ts"

/**
 * Limits for encoding.
 *
 * @category models
 * @since 0.1.0
 */
export interface XmlRpcEncodeOptions {
  /** Deepest array/struct nesting written. Default 1000 (CPython hits its recursion limit sooner). */
  readonly maxDepth?: number
}

const MAXINT = 2147483647
const MININT = -2147483648

const refuse = (reason: string): XmlRpcError => new XmlRpcError({ reason })

/** Python's `xmlrpc.client.escape`: only `&`, `<` and `>`. */
const escape = (s: string): string =>
  /[&<>]/.test(s) ? s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;") : s

const isPlainObject = (v: object): boolean => {
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** The Python class a value stands for, as `type(value)` shows it in "cannot marshal <class '...'> objects". */
const pythonClassOf = (v: unknown): string => {
  if (typeof v === "function") return "function"
  if (typeof v === "symbol") return "symbol"
  if (v instanceof Set) return (v as { readonly frozen?: unknown }).frozen === true ? "frozenset" : "set"
  if (v instanceof Token) return "multiprocessing.managers.Token"
  if (v instanceof Slice) return "slice"
  if (v instanceof PyArray) return "array.array"
  if (v instanceof PyObject) return v.module === "builtins" ? v.name : `${v.module}.${v.name}`
  const name = (v as { readonly constructor?: { readonly name?: unknown } } | null)?.constructor?.name
  return typeof name === "string" && name !== "" ? name : "object"
}

const cannotMarshal = (v: unknown): XmlRpcError => refuse(`cannot marshal <class '${pythonClassOf(v)}'> objects`)

// Keys CPython's exception pickling adds beside `__dict__` (from slots), which `__dict__` itself lacks.
const notInDict: ReadonlyMap<string, ReadonlyArray<string>> = new Map([
  ["builtins.AttributeError", ["name", "args"]],
  ["builtins.ImportError", ["name", "path", "name_from"]],
  ["builtins.ModuleNotFoundError", ["name", "path", "name_from"]]
])

/**
 * An exception's `__dict__`, which is what CPython's `dump_instance` writes
 * for it: usually empty, `{'__notes__': [...]}` after `add_note`.
 */
const exceptionDict = (e: PythonError | PythonException): Array<readonly [unknown, unknown]> => {
  const state = exceptionState(e)
  const entries: Array<readonly [unknown, unknown]> = state instanceof Map
    ? [...state.entries()]
    : typeof state === "object" && state !== null && isPlainObject(state)
    ? Object.entries(state)
    : []
  const [module, name] = exceptionGlobalOf(e)
  const drop = notInDict.get(`${module}.${name}`)
  return drop === undefined ? entries : entries.filter(([k]) => !(typeof k === "string" && drop.includes(k)))
}

class Writer {
  out = ""
  /** Containers being written: seeing one again is a cycle, which CPython refuses. */
  readonly active = new Set<object>()
  readonly maxDepth: number

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth
  }

  dump(v: unknown, depth: number): void {
    switch (typeof v) {
      case "undefined":
        this.out += "<value><nil/></value>"
        return
      case "boolean":
        this.out += `<value><boolean>${v ? "1" : "0"}</boolean></value>\n`
        return
      case "number":
        if (Number.isInteger(v)) return this.int(v)
        this.out += `<value><double>${floatRepr(v)}</double></value>\n`
        return
      case "bigint":
        return this.int(v)
      case "string":
        this.out += `<value><string>${this.text(v)}</string></value>\n`
        return
      case "object":
        if (v === null) {
          this.out += "<value><nil/></value>"
          return
        }
        return this.object(v, depth)
      default:
        throw cannotMarshal(v)
    }
  }

  int(v: number | bigint): void {
    if (v > MAXINT || v < MININT) throw refuse("int exceeds XML-RPC limits")
    // String(-0) is "0": a JS -0 that is integral stands for the int 0.
    this.out += `<value><int>${String(v)}</int></value>\n`
  }

  text(s: string): string {
    // CPython's .encode('utf-8') refuses lone surrogates; TextEncoder would silently replace them.
    if (!s.isWellFormed()) throw refuse("cannot marshal a str with a lone surrogate: 'utf-8' codec can't encode it")
    return escape(s)
  }

  object(v: object, depth: number): void {
    if (v instanceof Uint8Array) {
      this.out += `<value><base64>\n${encodeBase64Lines(v)}</base64></value>\n`
      return
    }
    if (v instanceof PyFloat) {
      this.out += `<value><double>${floatRepr(v.value)}</double></value>\n`
      return
    }
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) throw refuse("cannot marshal an invalid Date")
      const year = v.getUTCFullYear()
      if (year < 1 || year > 9999) throw refuse(`cannot marshal a Date in year ${year} (datetime allows 1 to 9999)`)
      this.out += `<value><dateTime.iso8601>${formatDateTime(v)}</dateTime.iso8601></value>\n`
      return
    }
    if (depth + 1 > this.maxDepth) throw refuse(`cannot marshal: nesting deeper than ${this.maxDepth}`)
    if (Array.isArray(v)) return this.array(v, depth + 1)
    if (v instanceof Map) return this.struct(v, v.entries(), depth + 1)
    // Instances CPython writes as a struct of their __dict__ (dump_instance).
    if (v instanceof NamespaceValue) return this.struct(v, Object.entries(v), depth + 1)
    if (v instanceof ValueCopy) return this.struct(v, [["_typecode", v.typecode], ["_value", v.value]], depth + 1)
    if (isPythonError(v)) return this.struct(v, exceptionDict(v), depth + 1)
    if (isPlainObject(v)) return this.struct(v, Object.entries(v), depth + 1)
    throw cannotMarshal(v)
  }

  array(v: ReadonlyArray<unknown>, depth: number): void {
    if (this.active.has(v)) throw refuse("cannot marshal recursive sequences")
    this.active.add(v)
    this.out += "<value><array><data>\n"
    for (let i = 0; i < v.length; i++) this.dump(v[i], depth)
    this.out += "</data></array></value>\n"
    this.active.delete(v)
  }

  struct(owner: object, entries: Iterable<readonly [unknown, unknown]>, depth: number): void {
    if (this.active.has(owner)) throw refuse("cannot marshal recursive dictionaries")
    this.active.add(owner)
    this.out += "<value><struct>\n"
    for (const [k, v] of entries) {
      if (typeof k !== "string") throw refuse("dictionary key must be string")
      this.out += `<member>\n<name>${this.text(k)}</name>\n`
      this.dump(v, depth)
      this.out += "</member>\n"
    }
    this.out += "</struct></value>\n"
    this.active.delete(owner)
  }
}

const utf8 = new TextEncoder()

const encodeFailure = (e: unknown): XmlRpcError =>
  e instanceof XmlRpcError ? e : refuse(`cannot marshal: ${e instanceof Error ? e.message : String(e)}`)

/**
 * Encodes one manager frame: a `<params>` document holding `value` as its
 * one param, nil allowed, as CPython's `_xml_dumps` writes it. null and
 * undefined are nil; integral numbers and bigints are `<int>` (beyond 32 bits
 * CPython refuses them: "int exceeds XML-RPC limits"; wrap an integral float
 * in `PyFloat`); other numbers and `PyFloat` are `<double>`; Uint8Array
 * (ByteArray too) is `<base64>`; Arrays (Tuple too) are `<array>`; Map,
 * PyDict, plain objects, `NamespaceValue`, `ValueCopy` and Python errors are
 * `<struct>` (the last three as their `__dict__`); a Date is
 * `<dateTime.iso8601>` in UTC.
 *
 * @example
 * ```ts
 * import { encodeXmlRpc } from "effect-managers/protocol/xmlrpc"
 * new TextDecoder().decode(encodeXmlRpc(7))
 * // "<params>\n<param>\n<value><int>7</int></value>\n</param>\n</params>\n"
 * ```
 * @throws XmlRpcError for values CPython cannot marshal (sets, Tokens,
 *   functions, class instances: the reason starts with "cannot marshal"),
 *   for ints beyond 32 bits and for non-string struct keys.
 * @category codecs
 * @since 0.1.0
 */
export const encodeXmlRpc = (value: unknown, options?: XmlRpcEncodeOptions): Uint8Array => {
  const writer = new Writer(options?.maxDepth ?? 1000)
  try {
    writer.dump(value, 0)
  } catch (e) {
    // Getters and iterators of user values may throw anything; a deep value may exhaust the stack.
    throw encodeFailure(e)
  }
  return utf8.encode(`<params>\n<param>\n${writer.out}</param>\n</params>\n`)
}

/**
 * `encodeXmlRpc` as an Effect.
 *
 * @category codecs
 * @since 0.1.0
 */
export const encodeXmlRpcEffect = (value: unknown, options?: XmlRpcEncodeOptions): Effect.Effect<Uint8Array, XmlRpcError> =>
  Effect.try({ try: () => encodeXmlRpc(value, options), catch: encodeFailure })
