/**
 * What BUILD (`obj.__setstate__(state)`, or updating its `__dict__`) means
 * for each kind of decoded object: it fills a Token from its
 * `(typeid, address, id)` tuple, a Namespace or Value copy from its dict,
 * keeps an exception's `__dict__` on the side, and stores the state of an
 * inert record. Anything else cannot be built.
 *
 * @since 0.1.0
 */
import { Token } from "../../domain/Token.ts"
import { PyDict } from "../../domain/values/PyDict.ts"
import { NamespaceValue, PyObject, ValueCopy } from "../../domain/values/PyObjects.ts"
import { addressFromPython } from "./Address.ts"
import { typeName } from "./DecodeStack.ts"
import { exceptionState, isPythonError, setExceptionState } from "./Exceptions.ts"
import type { PyObjectFill } from "./Records.ts"

// Token fields are short identifiers; capping them keeps a Token's hash cost
// (it may be a dict key, fetched from the memo many times) small.
const MAX_TOKEN_FIELD = 4096

const buildToken = (token: Token, state: unknown): string | undefined => {
  if (!Array.isArray(state) || state.length !== 3) return "Token state must be (typeid, address, id)"
  const [typeid, address, id] = state
  const jsAddress = addressFromPython(address)
  if (typeof typeid !== "string" || typeof id !== "string" || jsAddress === undefined) {
    return "Token state must be (str, (host, port) or str, str)"
  }
  if (typeid.length > MAX_TOKEN_FIELD || id.length > MAX_TOKEN_FIELD || jsAddress.length > MAX_TOKEN_FIELD) {
    return "Token field too long"
  }
  // The Token was made empty by NEWOBJ and the memo may already hold it: fill it in place.
  const fill = token as unknown as { typeid: string; address: string; id: string }
  fill.typeid = typeid
  fill.address = jsAddress
  fill.id = id
  return undefined
}

const buildValue = (value: ValueCopy, state: unknown): string | undefined => {
  const typecode = state instanceof PyDict ? state.get("_typecode") : undefined
  if (!(state instanceof PyDict) || typeof typecode !== "string" || !state.has("_value")) {
    return "Value state must be {'_typecode': str, '_value': ...}"
  }
  const fill = value as unknown as { typecode: string; value: unknown }
  fill.typecode = typecode
  fill.value = state.get("_value")
  return undefined
}

const buildNamespace = (ns: NamespaceValue, state: unknown): string | undefined => {
  if (!(state instanceof PyDict)) return "Namespace state must be a dict"
  for (const [k, v] of state) {
    if (typeof k !== "string") return "Namespace attribute names must be str"
    // defineProperty, not assignment: a key like "__proto__" must stay a plain attribute.
    Object.defineProperty(ns, k, { value: v, enumerable: true, writable: true, configurable: true })
  }
  return undefined
}

/**
 * Applies BUILD's `state` to `inst`. `pending` holds the Tokens and Value
 * copies that NEWOBJ made and that still need their state; each is built
 * once. Returns the reason BUILD is refused, or `undefined` when done.
 *
 * @since 0.1.0
 */
export const applyBuild = (inst: unknown, state: unknown, pending: Set<object> | undefined): string | undefined => {
  if (inst instanceof Token || inst instanceof ValueCopy) {
    if (pending?.delete(inst) !== true) return `BUILD on a ${typeName(inst)} that is already built`
    return inst instanceof Token ? buildToken(inst, state) : buildValue(inst, state)
  }
  if (inst instanceof NamespaceValue) return buildNamespace(inst, state)
  if (inst instanceof PyObject) {
    const fill = inst as unknown as PyObjectFill
    if (fill.state !== null) return "BUILD twice on one object"
    fill.state = state
    return undefined
  }
  if (isPythonError(inst)) {
    if (exceptionState(inst) !== undefined) return "BUILD twice on one exception"
    if (!(state instanceof PyDict) && state !== null) return "exception state must be a dict"
    setExceptionState(inst, state)
    return undefined
  }
  return `BUILD on ${typeName(inst)}`
}
