/**
 * Python's hashing, as strings a JS Map can key on. Keys equal in Python get
 * the same string (`1`, `1.0`, `True` and `1n` all give `i1`), so a dict
 * keyed on tuples, bytes or numbers behaves as it does in CPython; unhashable
 * values (lists, dicts, sets) fail as they do there.
 *
 * @since 0.1.0
 */
import { TypeError } from "../PythonErrors.ts"
import { Token } from "../Token.ts"
import { ByteArray, PyFloat } from "./PyObjects.ts"
import { pythonType } from "./PythonType.ts"
import { Tuple } from "./Tuple.ts"

const numberKey = (n: number): string => {
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? `i${n}` : `i${BigInt(n)}`
  return `f${n}`
}

const bytesKey = (b: Uint8Array): string => {
  let s = "b"
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!)
  return s
}

const nested = (key: string): string => `${key.length}:${key}`

/**
 * The hash key of a Python-hashable value.
 *
 * @throws TypeError (the Python-mirroring one) for an unhashable value.
 * @since 0.1.0
 */
export const hashKey = (u: unknown): string => {
  switch (typeof u) {
    case "string":
      return `s${u}`
    case "number":
      return numberKey(u)
    case "bigint":
      return `i${u}`
    case "boolean":
      return u ? "i1" : "i0"
    case "undefined":
      return "N"
    case "object": {
      if (u === null) return "N"
      if (u instanceof PyFloat) return numberKey(u.value)
      if (u instanceof Tuple) {
        let s = `t${u.length}(`
        for (let i = 0; i < u.length; i++) s += nested(hashKey(u[i]))
        return s + ")"
      }
      if (u instanceof Uint8Array && !(u instanceof ByteArray)) return bytesKey(u)
      if (u instanceof Token) return `T${u.address}#${u.id}`
      if (u instanceof Date) return `d${u.getTime()}`
      if (u instanceof Set && (u as { frozen?: boolean }).frozen === true) {
        const parts: Array<string> = []
        for (const item of u) parts.push(nested(hashKey(item)))
        parts.sort()
        return `z${parts.join("")}`
      }
      break
    }
  }
  throw TypeError.make(`unhashable type: '${pythonType(u)}'`)
}
