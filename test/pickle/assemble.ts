/**
 * A tiny pickle assembler for hand-written (mostly hostile) test inputs:
 * `pickle(Op.PROTO, 4, str("x"), Op.STOP)`.
 */
import { Op } from "../../src/protocol/pickle/Opcodes.ts"

export type Part = number | Uint8Array | ReadonlyArray<number>

export const pickle = (...parts: ReadonlyArray<Part>): Uint8Array => {
  const bytes: Array<number> = []
  for (const p of parts) {
    if (typeof p === "number") bytes.push(p)
    else for (const b of p) bytes.push(b)
  }
  return new Uint8Array(bytes)
}

export const le32 = (n: number): Array<number> => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n >>> 0, true)
  return [...b]
}

export const le64 = (n: bigint): Array<number> => {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, n, true)
  return [...b]
}

export const ascii = (s: string): Array<number> => [...Buffer.from(s, "latin1")]

/** SHORT_BINUNICODE of a str. */
export const str = (s: string): Array<number> => {
  const b = [...Buffer.from(s, "utf8")]
  return [Op.SHORT_BINUNICODE, b.length, ...b]
}

/** A protocol 4 STACK_GLOBAL of module.name. */
export const stackGlobal = (module: string, name: string): Array<number> => [...str(module), ...str(name), Op.STACK_GLOBAL]

/** A GLOBAL (text) of module.name. */
export const textGlobal = (module: string, name: string): Array<number> => [Op.GLOBAL, ...ascii(`${module}\n${name}\n`)]

export const PROTO4 = [Op.PROTO, 4] as const
