/**
 * The XML-RPC decoder: reads what CPython's `xmlrpc.client.dumps` writes (the
 * frames of a manager started with `serializer='xmlrpclib'`) into the JS
 * values of `src/domain/values`, as `xmlrpc.client.loads` would read them.
 * It is written for hostile input: a strict grammar over a tokenizer that
 * expands nothing (see `XmlLexer.ts`), capped nesting and element counts, and
 * every failure an `XmlRpcError`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { PyDict } from "../../domain/values/PyDict.ts"
import { decodeBase64, parseDateTime, parseDouble, parseInteger } from "./Scalars.ts"
import { isXmlSpace, XmlLexer } from "./XmlLexer.ts"
import { malformed, XmlRpcError, XmlRpcFault } from "./XmlRpcError.ts"

/**
 * Limits for decoding. The defaults suit manager traffic.
 *
 * @category models
 * @since 0.1.0
 */
export interface XmlRpcDecodeOptions {
  /** Deepest array/struct nesting accepted (`[[1]]` is 2). Default 1000. */
  readonly maxDepth?: number
  /** Most elements in one document. Default 10_000_000. */
  readonly maxElements?: number
}

/**
 * A decoded document: a bare `<params>` block (what managers send), or a
 * `<methodCall>` / `<methodResponse>` holding one.
 *
 * @category models
 * @since 0.1.0
 */
export type XmlRpcDocument =
  | { readonly _tag: "Params"; readonly params: ReadonlyArray<unknown> }
  | { readonly _tag: "MethodCall"; readonly methodName: string; readonly params: ReadonlyArray<unknown> }
  | { readonly _tag: "MethodResponse"; readonly params: ReadonlyArray<unknown> }



const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })

const INTEGER_TAGS = new Set(["int", "i4", "i1", "i2", "i8", "biginteger"])

/**
 * Recursive descent over the lexer's tokens. Each element method starts on
 * its start tag and returns on its end tag.
 */
class Reader {
  readonly lex: XmlLexer
  readonly maxDepth: number

  constructor(input: string, options: XmlRpcDecodeOptions | undefined) {
    this.lex = new XmlLexer(input, options?.maxElements ?? 10_000_000)
    this.maxDepth = options?.maxDepth ?? 1000
  }

  /** Moves to the next child element and returns its name, or undefined on the parent's end tag. */
  child(parent: string): string | undefined {
    const lex = this.lex
    for (;;) {
      lex.next()
      if (lex.kind === "start") return lex.name
      if (lex.kind === "end") return undefined
      // CPython ignores stray text between elements; we only accept white space there.
      if (!isXmlSpace(lex.text)) throw malformed(`text inside <${parent}>`)
    }
  }

  expectChild(parent: string, name: string): void {
    const got = this.child(parent)
    if (got !== name) throw malformed(got === undefined ? `<${parent}> without <${name}>` : `<${got}> where <${name}> belongs in <${parent}>`)
  }

  expectEnd(parent: string, what: string): void {
    const got = this.child(parent)
    if (got !== undefined) throw malformed(`<${got}> after the ${what} of <${parent}>`)
  }

  /** The character data of an element that holds no elements. */
  text(element: string): string {
    const lex = this.lex
    let text = ""
    for (;;) {
      lex.next()
      if (lex.kind === "text") text += lex.text
      else if (lex.kind === "end") return text
      else throw malformed(`<${lex.name}> inside <${element}>`)
    }
  }

  document(): XmlRpcDocument {
    const lex = this.lex
    lex.next()
    let document: XmlRpcDocument
    switch (lex.kind === "start" ? lex.name : "") {
      case "params":
        document = { _tag: "Params", params: this.params() }
        break
      case "methodResponse": {
        const inner = this.child("methodResponse")
        if (inner === "fault") this.fault()
        if (inner !== "params") throw malformed("<methodResponse> without <params> or <fault>")
        document = { _tag: "MethodResponse", params: this.params() }
        this.expectEnd("methodResponse", "params")
        break
      }
      case "methodCall": {
        this.expectChild("methodCall", "methodName")
        const methodName = this.text("methodName")
        const inner = this.child("methodCall")
        if (inner !== undefined && inner !== "params") throw malformed(`<${inner}> in <methodCall>`)
        document = { _tag: "MethodCall", methodName, params: inner === undefined ? [] : this.params() }
        if (inner !== undefined) this.expectEnd("methodCall", "params")
        break
      }
      default:
        throw malformed(`the root element is <${lex.name}>, not <params>, <methodCall> or <methodResponse>`)
    }
    lex.next()
    if (lex.kind !== "eof") throw malformed("content after the root element")
    return document
  }

  params(): Array<unknown> {
    const params: Array<unknown> = []
    for (let name = this.child("params"); name !== undefined; name = this.child("params")) {
      if (name !== "param") throw malformed(`<${name}> in <params>`)
      this.expectChild("param", "value")
      params.push(this.value(0))
      this.expectEnd("param", "value")
    }
    return params
  }

  fault(): never {
    this.expectChild("fault", "value")
    const value = this.value(0)
    this.expectEnd("fault", "value")
    if (!(value instanceof PyDict) || !value.has("faultCode") || !value.has("faultString")) {
      throw malformed("<fault> without a struct of faultCode and faultString")
    }
    throw new XmlRpcFault({ faultCode: value.get("faultCode"), faultString: value.get("faultString") })
  }

  /** A `<value>`: bare text is a string, otherwise exactly one typed element. */
  value(depth: number): unknown {
    const lex = this.lex
    let text = ""
    for (;;) {
      lex.next()
      if (lex.kind === "text") text += lex.text
      else if (lex.kind === "end") return text
      else break
    }
    if (!isXmlSpace(text)) throw malformed(`text beside <${lex.name}> in <value>`)
    const value = this.typed(lex.name, depth)
    this.expectEnd("value", "typed element")
    return value
  }

  typed(tag: string, depth: number): unknown {
    if (INTEGER_TAGS.has(tag)) return parseInteger(this.text(tag))
    switch (tag) {
      case "string":
        return this.text(tag)
      case "nil":
        if (!isXmlSpace(this.text(tag))) throw malformed("text inside <nil>")
        return null
      case "boolean": {
        const text = this.text(tag)
        if (text === "1") return true
        if (text === "0") return false
        throw malformed("bad boolean value")
      }
      case "double":
      case "float":
        return parseDouble(this.text(tag))
      case "base64":
        return decodeBase64(this.text(tag))
      case "dateTime.iso8601":
        return parseDateTime(this.text(tag))
      case "array":
        return this.array(depth + 1)
      case "struct":
        return this.struct(depth + 1)
      case "bigdecimal":
        throw malformed("<bigdecimal> is not supported (no Decimal in the value model)")
      default:
        throw malformed(`unknown tag <${tag}> in <value>`)
    }
  }

  array(depth: number): Array<unknown> {
    if (depth > this.maxDepth) throw malformed(`nesting deeper than ${this.maxDepth}`)
    const items: Array<unknown> = []
    const data = this.child("array")
    // CPython reads an <array> without <data> as empty; the spec requires <data>.
    if (data === undefined) return items
    if (data !== "data") throw malformed(`<${data}> in <array>`)
    for (let name = this.child("data"); name !== undefined; name = this.child("data")) {
      if (name !== "value") throw malformed(`<${name}> in <data>`)
      items.push(this.value(depth))
    }
    this.expectEnd("array", "data")
    return items
  }

  struct(depth: number): PyDict<string, unknown> {
    if (depth > this.maxDepth) throw malformed(`nesting deeper than ${this.maxDepth}`)
    const dict = new PyDict<string, unknown>()
    for (let name = this.child("struct"); name !== undefined; name = this.child("struct")) {
      if (name !== "member") throw malformed(`<${name}> in <struct>`)
      this.expectChild("member", "name")
      const key = this.text("name")
      this.expectChild("member", "value")
      // A repeated name keeps its first position and takes the last value, as a Python dict does.
      dict.set(key, this.value(depth))
      this.expectEnd("member", "value")
    }
    return dict
  }
}

const decodeFailure = (e: unknown): XmlRpcError | XmlRpcFault => {
  if (e instanceof XmlRpcError || e instanceof XmlRpcFault) return e
  // Only a raised maxDepth can exhaust the stack; a bug must still surface as a decode failure.
  if (e instanceof RangeError) return malformed(`nesting too deep for the stack: ${e.message}`)
  return malformed(`malformed XML-RPC: ${e instanceof Error ? e.message : String(e)}`)
}

/**
 * Decodes a whole document. The input must be UTF-8 (managers decode frames
 * as UTF-8 whatever the XML declaration says).
 *
 * @throws XmlRpcError for anything malformed or over a limit.
 * @throws XmlRpcFault for a `<fault>` response.
 * @category codecs
 * @since 0.1.0
 */
export const decodeXmlRpcDocument = (bytes: Uint8Array, options?: XmlRpcDecodeOptions): XmlRpcDocument => {
  let input: string
  try {
    input = utf8.decode(bytes)
  } catch {
    throw malformed("invalid UTF-8")
  }
  try {
    return new Reader(input, options).document()
  } catch (e) {
    throw decodeFailure(e)
  }
}

/**
 * Decodes one manager frame: a document holding exactly one param, as
 * `multiprocessing.connection`'s `_xml_loads` requires. Nil is null, arrays
 * are Arrays (XML-RPC has no tuple), structs `PyDict`s with string keys,
 * base64 `Uint8Array`, dateTime.iso8601 a UTC `Date`, ints numbers (bigints
 * beyond the safe range) and integral doubles `PyFloat`.
 *
 * @example
 * ```ts
 * import { decodeXmlRpc } from "effect-managers/protocol/xmlrpc"
 * decodeXmlRpc(new TextEncoder().encode("<params><param><value><int>7</int></value></param></params>")) // 7
 * ```
 * @throws XmlRpcError for anything malformed, over a limit, or not one param.
 * @throws XmlRpcFault for a `<fault>` response.
 * @category codecs
 * @since 0.1.0
 */
export const decodeXmlRpc = (bytes: Uint8Array, options?: XmlRpcDecodeOptions): unknown => {
  const document = decodeXmlRpcDocument(bytes, options)
  if (document.params.length !== 1) throw malformed(`expected exactly one param, got ${document.params.length}`)
  return document.params[0]
}

/**
 * `decodeXmlRpc` as an Effect.
 *
 * @category codecs
 * @since 0.1.0
 */
export const decodeXmlRpcEffect = (
  bytes: Uint8Array,
  options?: XmlRpcDecodeOptions
): Effect.Effect<unknown, XmlRpcError | XmlRpcFault> =>
  Effect.try({ try: () => decodeXmlRpc(bytes, options), catch: decodeFailure })
