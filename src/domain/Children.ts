/**
 * The shared objects a referent holds: every Token inside its data. The
 * server keeps a reference for each, so a proxy stored in a shared container
 * keeps its referent alive until it is taken out.
 *
 * Only data is walked (arrays, maps, sets, plain objects and the value
 * classes), never arbitrary class instances, so waiters, fibers and closures
 * inside a referent are not mistaken for data.
 *
 * @since 0.1.0
 */
import { Token } from "./Token.ts"
import { NamespaceValue, PyObject, ValueCopy } from "./values/PyObjects.ts"

const isData = (u: object): boolean => {
  if (Array.isArray(u) || u instanceof Map || u instanceof Set) return true
  if (u instanceof NamespaceValue || u instanceof ValueCopy || u instanceof PyObject) return true
  const proto = Object.getPrototypeOf(u)
  return proto === Object.prototype || proto === null
}

const walk = (u: unknown, out: Map<string, Token>, seen: Set<object>): void => {
  if (u === null || typeof u !== "object") return
  if (u instanceof Token) {
    out.set(u.id, u)
    return
  }
  if (seen.has(u) || !isData(u)) return
  seen.add(u)
  if (Array.isArray(u)) {
    for (let i = 0; i < u.length; i++) walk(u[i], out, seen)
  } else if (u instanceof Map) {
    for (const [k, v] of u) {
      walk(k, out, seen)
      walk(v, out, seen)
    }
  } else if (u instanceof Set) {
    for (const v of u) walk(v, out, seen)
  } else {
    for (const v of Object.values(u)) walk(v, out, seen)
  }
}

/**
 * Every token held by a referent, counted once per distinct object id. The
 * referent's own fields are walked one level, then only data.
 *
 * @since 0.1.0
 */
export const childTokens = (referent: object): Map<string, Token> => {
  const out = new Map<string, Token>()
  const seen = new Set<object>([referent])
  for (const v of Object.values(referent)) walk(v, out, seen)
  return out
}
