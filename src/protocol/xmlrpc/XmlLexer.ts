/**
 * A tokenizer for the small part of XML that XML-RPC documents use: elements
 * (attributes are checked and ignored), character data, the five predefined
 * entities and numeric character references, comments, CDATA sections and one
 * leading `<?xml ...?>` declaration. DTDs, entity declarations and any other
 * processing instruction are refused, so nothing in a document can expand
 * (no billion laughs) and every token costs time linear in its length.
 *
 * Well-formedness follows expat (what CPython parses with): characters outside
 * XML's `Char` production fail anywhere, line ends are normalized to `\n`, end
 * tags must match, `]]>` may not appear in character data.
 *
 * @since 0.1.0
 */
import { malformed } from "./XmlRpcError.ts"

/** What the lexer stopped on. @since 0.1.0 */
export type TokenKind = "start" | "end" | "text" | "eof"

// XML names restricted to ASCII: every tag XML-RPC knows is ASCII, and any other is refused later anyway.
const NAME = /[A-Za-z_:][A-Za-z0-9_:.-]*/y
const XML_DECL =
  /<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.[0-9]+"|'1\.[0-9]+')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/y
// Characters XML 1.0 forbids even as raw text (expat rejects them; lone surrogates cannot survive UTF-8 decoding).
const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/
const SPACE_ONLY = /^[ \t\n]*$/

/** True when `s` is XML white space only (after line-end normalization). @since 0.1.0 */
export const isXmlSpace = (s: string): boolean => SPACE_ONLY.test(s)

const isSpaceCode = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x09

const predefined: ReadonlyMap<string, string> = new Map([["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", "\""], ["apos", "'"]])

const isXmlChar = (cp: number): boolean =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff)

const shown = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s)

/** `&#60;` / `&#x3c;` (lowercase x only, as XML requires) to its code point, or -1. */
const charRef = (ref: string): number => {
  const hex = ref.charCodeAt(1) === 0x78
  const digits = ref.slice(hex ? 2 : 1)
  if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) return -1
  const significant = digits.replace(/^0+/, "")
  // Longer than any code point: refuse before parsing a huge number.
  if (significant.length > (hex ? 6 : 7)) return -1
  const cp = significant === "" ? 0 : Number.parseInt(significant, hex ? 16 : 10)
  return isXmlChar(cp) ? cp : -1
}

/**
 * Replaces entity and character references in `raw` (character data or an
 * attribute value, which cannot contain `<`).
 *
 * @since 0.1.0
 */
export const decodeReferences = (raw: string): string => {
  let out = ""
  let i = 0
  for (;;) {
    const amp = raw.indexOf("&", i)
    if (amp < 0) return out + raw.slice(i)
    out += raw.slice(i, amp)
    const semi = raw.indexOf(";", amp + 1)
    if (semi < 0) throw malformed(`unterminated reference ${shown(raw.slice(amp, amp + 12))}`)
    const ref = raw.slice(amp + 1, semi)
    const named = predefined.get(ref)
    if (named !== undefined) out += named
    else if (ref.charCodeAt(0) === 0x23) {
      const cp = charRef(ref)
      if (cp < 0) throw malformed(`bad character reference ${shown(`&${ref};`)}`)
      out += String.fromCodePoint(cp)
    } else throw malformed(`undefined entity ${shown(`&${ref};`)} (only the five predefined entities are accepted)`)
    i = semi + 1
  }
}

/**
 * A pull tokenizer: `next()` moves to the next start tag, end tag, run of
 * character data or the end of input, and sets `kind`, `name` (the local
 * name: `ex:nil` is `nil`, as CPython's unmarshaller strips prefixes) and
 * `text`. A self-closing tag gives a start token then an end token.
 *
 * @since 0.1.0
 */
export class XmlLexer {
  kind: TokenKind = "eof"
  name = ""
  text = ""
  readonly #s: string
  #pos = 0
  readonly #open: Array<string> = []
  #pendingEnd: string | undefined = undefined
  #sawRoot = false
  #elements = 0
  readonly #maxElements: number

  constructor(input: string, maxElements: number) {
    // XML normalizes every line end to \n before parsing (`&#13;` still gives \r).
    const s = input.includes("\r") ? input.replace(/\r\n?/g, "\n") : input
    const bad = FORBIDDEN_CHAR.exec(s)
    if (bad !== null) throw malformed(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0")} is not allowed in XML (at ${bad.index})`)
    this.#s = s
    this.#maxElements = maxElements
    if (s.charCodeAt(0) === 0xfeff) this.#pos = 1
    if (s.startsWith("<?xml", this.#pos)) {
      XML_DECL.lastIndex = this.#pos
      if (!XML_DECL.test(s)) throw malformed("malformed XML declaration")
      this.#pos = XML_DECL.lastIndex
    }
  }

  #fail(what: string, at = this.#pos): never {
    throw malformed(`${what} (at character ${at})`)
  }

  #name(at: number): string {
    NAME.lastIndex = at
    const m = NAME.exec(this.#s)
    if (m === null) this.#fail("malformed tag", at)
    return m[0]
  }

  #skipSpace(): boolean {
    const start = this.#pos
    while (isSpaceCode(this.#s.charCodeAt(this.#pos))) this.#pos++
    return this.#pos > start
  }

  /** Moves to the next token. @since 0.1.0 */
  next(): void {
    if (this.#pendingEnd !== undefined) return this.#emitEnd(this.#pendingEnd)
    const s = this.#s
    for (;;) {
      const pos = this.#pos
      if (pos >= s.length) {
        if (this.#open.length > 0) this.#fail(`unexpected end of input inside <${this.#open.at(-1)}>`)
        if (!this.#sawRoot) this.#fail("no root element")
        this.kind = "eof"
        return
      }
      if (s.charCodeAt(pos) !== 0x3c) {
        let end = s.indexOf("<", pos)
        if (end < 0) end = s.length
        const raw = s.slice(pos, end)
        this.#pos = end
        if (this.#open.length === 0) {
          if (!isXmlSpace(raw)) this.#fail("text outside the root element", pos)
          continue
        }
        if (raw.includes("]]>")) this.#fail("']]>' in character data", pos)
        this.kind = "text"
        this.text = raw.includes("&") ? decodeReferences(raw) : raw
        return
      }
      const c2 = s.charCodeAt(pos + 1)
      if (c2 === 0x2f) return this.#endTag(pos)
      if (c2 === 0x21) {
        if (s.startsWith("<!--", pos)) {
          this.#comment(pos)
          continue
        }
        if (s.startsWith("<![CDATA[", pos)) {
          if (this.#open.length === 0) this.#fail("CDATA outside the root element", pos)
          const end = s.indexOf("]]>", pos + 9)
          if (end < 0) this.#fail("unterminated CDATA section", pos)
          this.#pos = end + 3
          this.kind = "text"
          this.text = s.slice(pos + 9, end)
          return
        }
        if (s.startsWith("<!DOCTYPE", pos)) this.#fail("DOCTYPE declarations are refused", pos)
        if (s.startsWith("<!ENTITY", pos)) this.#fail("ENTITY declarations are refused", pos)
        this.#fail("markup declarations are refused", pos)
      }
      if (c2 === 0x3f) this.#fail("processing instructions are refused (only a leading <?xml ...?> is accepted)", pos)
      return this.#startTag(pos)
    }
  }

  #comment(pos: number): void {
    const end = this.#s.indexOf("-->", pos + 4)
    if (end < 0) this.#fail("unterminated comment", pos)
    const body = this.#s.slice(pos + 4, end)
    if (body.includes("--") || body.endsWith("-")) this.#fail("'--' inside a comment", pos)
    this.#pos = end + 3
  }

  #startTag(pos: number): void {
    if (this.#sawRoot && this.#open.length === 0) this.#fail("a second root element", pos)
    if (++this.#elements > this.#maxElements) this.#fail(`more than ${this.#maxElements} elements`, pos)
    const qname = this.#name(pos + 1)
    this.#pos = pos + 1 + qname.length
    const s = this.#s
    let seen: Set<string> | undefined
    let selfClosing = false
    for (;;) {
      const spaced = this.#skipSpace()
      const c = s.charCodeAt(this.#pos)
      if (c === 0x3e) {
        this.#pos++
        break
      }
      if (c === 0x2f && s.charCodeAt(this.#pos + 1) === 0x3e) {
        this.#pos += 2
        selfClosing = true
        break
      }
      if (!spaced || Number.isNaN(c)) this.#fail(`malformed tag <${qname}>`)
      // An attribute: checked for well-formedness, then ignored (as CPython's unmarshaller does).
      const attr = this.#name(this.#pos)
      this.#pos += attr.length
      this.#skipSpace()
      if (s.charCodeAt(this.#pos) !== 0x3d) this.#fail(`malformed attribute ${attr}`)
      this.#pos++
      this.#skipSpace()
      const quote = s[this.#pos]
      if (quote !== "\"" && quote !== "'") this.#fail(`unquoted attribute ${attr}`)
      const end = s.indexOf(quote, this.#pos + 1)
      if (end < 0) this.#fail(`unterminated attribute ${attr}`)
      const value = s.slice(this.#pos + 1, end)
      if (value.includes("<")) this.#fail(`'<' in attribute ${attr}`)
      if (value.includes("&")) decodeReferences(value)
      seen ??= new Set()
      if (seen.has(attr)) this.#fail(`duplicate attribute ${attr}`)
      seen.add(attr)
      this.#pos = end + 1
    }
    this.#sawRoot = true
    if (selfClosing) this.#pendingEnd = qname
    else this.#open.push(qname)
    this.kind = "start"
    this.name = qname.slice(qname.lastIndexOf(":") + 1)
  }

  #endTag(pos: number): void {
    const qname = this.#name(pos + 2)
    this.#pos = pos + 2 + qname.length
    this.#skipSpace()
    if (this.#s.charCodeAt(this.#pos) !== 0x3e) this.#fail(`malformed end tag </${qname}>`)
    this.#pos++
    const open = this.#open.pop()
    if (open !== qname) this.#fail(open === undefined ? `end tag </${qname}> with nothing open` : `</${qname}> closes <${open}>`, pos)
    this.#emitEnd(qname)
  }

  #emitEnd(qname: string): void {
    this.#pendingEnd = undefined
    this.kind = "end"
    this.name = qname.slice(qname.lastIndexOf(":") + 1)
  }
}
