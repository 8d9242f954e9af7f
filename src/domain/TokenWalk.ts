/**
 * Tokens inside values: the one walker every part uses, to find the proxies
 * a value holds (the references a server counts) and to replace them (a
 * client turns them into live proxies). It walks data only: arrays and
 * tuples, Maps (keys and values), Sets, plain records, and the value classes
 * that hold data (Namespace and Value copies, opaque Python objects); never
 * arbitrary class instances, so waiters, fibers and closures are never
 * mistaken for data. Cycles are walked once.
 *
 * @since 0.1.0
 */
import { Token } from "./Token.ts"
import { NamespaceValue, PyObject, ValueCopy } from "./values/PyObjects.ts"

const isPlain = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const isData = (u: object): boolean =>
  Array.isArray(u) || u instanceof Map || u instanceof Set || u instanceof NamespaceValue || u instanceof ValueCopy ||
  u instanceof PyObject || isPlain(u)

const visit = (u: unknown, found: (t: Token) => void, seen: Set<object>): void => {
  if (u === null || typeof u !== "object") return
  if (u instanceof Token) return found(u)
  if (seen.has(u) || !isData(u)) return
  seen.add(u)
  if (Array.isArray(u)) {
    for (let i = 0; i < u.length; i++) visit(u[i], found, seen)
  } else if (u instanceof Map) {
    for (const [k, v] of u) {
      visit(k, found, seen)
      visit(v, found, seen)
    }
  } else if (u instanceof Set) {
    for (const v of u) visit(v, found, seen)
  } else {
    for (const v of Object.values(u)) visit(v, found, seen)
  }
}

/**
 * Every token inside `value`, by object id.
 *
 * @category walking
 * @since 0.1.0
 */
export const tokensIn = (value: unknown, out: Map<string, Token> = new Map()): Map<string, Token> => {
  visit(value, (t) => out.set(t.id, t), new Set())
  return out
}

/**
 * Every token inside each of `values`, by object id (the items of a container).
 *
 * @category walking
 * @since 0.1.0
 */
export const tokensInAll = (values: Iterable<unknown>): Map<string, Token> => {
  const out = new Map<string, Token>()
  const seen = new Set<object>()
  for (const v of values) visit(v, (t) => out.set(t.id, t), seen)
  return out
}

/**
 * Every token object inside `value`, once per occurrence (each is a
 * reference to count), in no particular order.
 *
 * @category walking
 * @since 0.1.0
 */
export const tokenOccurrences = (value: unknown, out: Array<Token> = []): Array<Token> => {
  visit(value, (t) => out.push(t), new Set())
  return out
}

/**
 * True when `value` holds a token.
 *
 * @category walking
 * @since 0.1.0
 */
export const hasToken = (value: unknown): boolean => {
  let found = false
  visit(value, () => {
    found = true
  }, new Set())
  return found
}

/**
 * Replaces, in place, each token of `value` for which `replace` gives
 * something else (a Map key or a Set member is replaced by removing and
 * adding); gives `value`, or the replacement when it is itself a token.
 *
 * @category walking
 * @since 0.1.0
 */
export const replaceTokens = (value: unknown, replace: (t: Token) => unknown): unknown => {
  const seen = new Set<object>()
  const walk = (u: unknown): unknown => {
    if (u === null || typeof u !== "object") return u
    if (u instanceof Token) return replace(u)
    if (seen.has(u) || !(Array.isArray(u) || u instanceof Map || u instanceof Set || isPlain(u))) return u
    seen.add(u)
    if (Array.isArray(u)) {
      for (let i = 0; i < u.length; i++) u[i] = walk(u[i])
    } else if (u instanceof Map) {
      for (const [k, v] of [...u]) {
        const k2 = walk(k)
        const v2 = walk(v)
        if (k2 !== k) u.delete(k)
        u.set(k2, v2)
      }
    } else if (u instanceof Set) {
      for (const v of [...u]) {
        const v2 = walk(v)
        if (v2 !== v) {
          u.delete(v)
          u.add(v2)
        }
      }
    } else {
      const record = u as Record<string, unknown>
      for (const k of Object.keys(record)) record[k] = walk(record[k])
    }
    return u
  }
  return walk(value)
}
