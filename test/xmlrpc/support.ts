/**
 * Shared pieces of the XML-RPC codec tests: running xmlrpc_helper.py under
 * each CPython (a missing interpreter throws, so tests fail rather than skip),
 * and `describe`, the type-tagged form both sides reduce values to so that
 * CPython's and our readings can be compared exactly (int vs float included).
 */
import { join } from "node:path"
import { PyFloat } from "../../src/domain/values/PyObjects.ts"
import { floatRepr, formatDateTime } from "../../src/protocol/xmlrpc/Scalars.ts"
import { XmlRpcError } from "../../src/protocol/xmlrpc/index.ts"
import { labelOf, type Python, pythons, runJsonHelper } from "../support/python.ts"

const helperScript = join(import.meta.dirname, "xmlrpc_helper.py")

export const interpreters = pythons.map((python) => ({ ...python, label: labelOf(python) }))

export const runHelper = <A>(python: Python, mode: string, input?: unknown): A =>
  runJsonHelper<A>(helperScript, python, mode, input)

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")
export const fromHex = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, "hex"))
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

/** The type-tagged form of a value, as xmlrpc_helper.py's describe() gives it for Python values. */
export type Desc =
  | { readonly t: "none" }
  | { readonly t: "bool"; readonly v: boolean }
  | { readonly t: "int" | "float" | "str" | "bytes" | "datetime"; readonly v: string }
  | { readonly t: "list"; readonly v: ReadonlyArray<Desc> }
  | { readonly t: "dict"; readonly v: ReadonlyArray<readonly [string, Desc]> }

export const describe = (v: unknown): Desc => {
  if (v === null) return { t: "none" }
  switch (typeof v) {
    case "boolean":
      return { t: "bool", v }
    case "number":
      return Number.isInteger(v) ? { t: "int", v: String(v) } : { t: "float", v: floatRepr(v) }
    case "bigint":
      return { t: "int", v: String(v) }
    case "string":
      return { t: "str", v }
  }
  if (v instanceof PyFloat) return { t: "float", v: floatRepr(v.value) }
  if (v instanceof Uint8Array) return { t: "bytes", v: toHex(v) }
  if (Array.isArray(v)) return { t: "list", v: v.map(describe) }
  if (v instanceof Map) return { t: "dict", v: [...v].map(([k, x]) => [k as string, describe(x)] as const) }
  if (v instanceof Date) return { t: "datetime", v: formatDateTime(v) }
  throw new Error(`cannot describe ${String(v)}`)
}

/** Runs `f`; returns the XmlRpcError it throws, undefined if it returns, and rethrows any other error. */
export const xmlRpcErrorOf = (f: () => unknown): XmlRpcError | undefined => {
  try {
    f()
    return undefined
  } catch (e) {
    if (e instanceof XmlRpcError) return e
    throw e
  }
}

/** A deterministic PRNG (mulberry32) so that fuzz failures reproduce. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
