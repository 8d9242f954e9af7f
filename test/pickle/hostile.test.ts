/**
 * The decoder against hostile input: whatever the bytes, it returns a value
 * or throws a PickleError (never another error, never a hang, never a large
 * allocation), and it never resolves or calls a global.
 */
import { describe, expect, it } from "@effect/vitest"
import { existsSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NamespaceValue, PyObject } from "../../src/domain/values/PyObjects.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import { decodePickle, type DecodeOptions, PickleError, PyNewObject } from "../../src/protocol/pickle/index.ts"
import { Op, refusedOpcodes } from "../../src/protocol/pickle/Opcodes.ts"
import { ascii, le32, le64, pickle, PROTO4, stackGlobal, str, textGlobal } from "./assemble.ts"
import { pickleFrames } from "./fixtures.ts"

/** The PickleError `decodePickle` throws for `bytes`; fails the test if it returns or throws anything else. */
const failure = (bytes: Uint8Array, options?: DecodeOptions): PickleError => {
  try {
    decodePickle(bytes, options)
  } catch (e) {
    expect(e).toBeInstanceOf(PickleError)
    return e as PickleError
  }
  throw new Error(`decoded without error: ${Buffer.from(bytes).toString("hex")}`)
}

/** Decodes or throws a PickleError; any other outcome fails the test. */
const decodeOrPickleError = (bytes: Uint8Array): void => {
  try {
    decodePickle(bytes)
  } catch (e) {
    if (!(e instanceof PickleError)) throw new Error(`non-PickleError ${String(e)} for ${Buffer.from(bytes).toString("hex")}`)
  }
}

const knownOpcodes = new Set<number>(Object.values(Op))

/** A deterministic PRNG (mulberry32) so that fuzz failures reproduce. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

describe("hostile pickles", () => {
  it("fails with PickleError on every truncation of every transcript frame", () => {
    let cases = 0
    for (const f of pickleFrames()) {
      for (let n = 0; n < f.payload.length; n++) {
        failure(f.payload.subarray(0, n))
        cases++
      }
    }
    expect(cases).toBeGreaterThan(20_000)
  })

  it("survives random corruption of transcript frames with only PickleErrors", () => {
    const random = prng(20261122)
    const frames = pickleFrames()
    for (let round = 0; round < 20_000; round++) {
      const f = frames[Math.floor(random() * frames.length)]!
      const bytes = f.payload.slice()
      const flips = 1 + Math.floor(random() * 4)
      for (let i = 0; i < flips; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256)
      decodeOrPickleError(bytes)
    }
  })

  it("rejects unknown opcodes", () => {
    let unknown = 0
    for (let op = 0; op < 256; op++) {
      if (knownOpcodes.has(op)) continue
      expect(failure(pickle(PROTO4, op, Op.STOP)).reason).toBe(`unknown opcode 0x${op.toString(16).padStart(2, "0")}`)
      unknown++
    }
    expect(unknown).toBeGreaterThan(150)
  })

  it("refuses persistent ids, the extension registry, out-of-band buffers, INST and OBJ", () => {
    const cases: Array<[number, Uint8Array]> = [
      [Op.PERSID, pickle(Op.PERSID, ascii("1\n"), Op.STOP)],
      [Op.BINPERSID, pickle(PROTO4, str("1"), Op.BINPERSID, Op.STOP)],
      [Op.EXT1, pickle(PROTO4, Op.EXT1, 1, Op.STOP)],
      [Op.EXT2, pickle(PROTO4, Op.EXT2, 1, 0, Op.STOP)],
      [Op.EXT4, pickle(PROTO4, Op.EXT4, le32(1), Op.STOP)],
      [Op.NEXT_BUFFER, pickle(Op.PROTO, 5, Op.NEXT_BUFFER, Op.STOP)],
      [Op.READONLY_BUFFER, pickle(Op.PROTO, 5, str("x"), Op.READONLY_BUFFER, Op.STOP)],
      [Op.INST, pickle(Op.MARK, Op.INST, ascii("os\nsystem\n"), Op.STOP)],
      [Op.OBJ, pickle(Op.MARK, textGlobal("os", "system"), Op.OBJ, Op.STOP)]
    ]
    for (const [op, bytes] of cases) {
      expect(failure(bytes).reason).toBe(`refused opcode ${refusedOpcodes.get(op)}`)
    }
  })

  it("checks declared lengths against the bytes left before allocating", () => {
    const huge: Array<Uint8Array> = [
      pickle(PROTO4, Op.BINUNICODE8, le64(1n << 62n), Op.STOP),
      pickle(PROTO4, Op.BINBYTES8, le64(1n << 40n), Op.STOP),
      pickle(Op.PROTO, 5, Op.BYTEARRAY8, le64(0xffff_ffff_ffffn), Op.STOP),
      pickle(PROTO4, Op.BINBYTES, le32(0xffff_ffff), Op.STOP),
      pickle(PROTO4, Op.BINUNICODE, le32(0x7fff_ffff), Op.STOP),
      pickle(PROTO4, Op.LONG4, le32(0x7fff_ffff), Op.STOP),
      pickle(PROTO4, Op.FRAME, le64(1n << 50n), Op.STOP),
      pickle(PROTO4, Op.BINSTRING, le32(0x7fff_ffff), Op.STOP),
      pickle(PROTO4, Op.SHORT_BINUNICODE, 255, 0x61, 0x62, Op.STOP)
    ]
    const before = process.memoryUsage().arrayBuffers
    const started = performance.now()
    for (const bytes of huge) expect(failure(bytes).reason).toMatch(/length \d+ exceeds the \d+ bytes left/)
    expect(performance.now() - started).toBeLessThan(200)
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20)
    expect(failure(pickle(PROTO4, Op.LONG4, le32(0xffff_fff0), Op.STOP)).reason).toBe("negative LONG4 length")
    expect(failure(pickle(PROTO4, Op.BINSTRING, le32(0xffff_fff0), Op.STOP)).reason).toBe("negative BINSTRING length")
  })

  it("caps nesting depth for lists, tuples and MARKs", () => {
    const nestedLists = (n: number) => pickle(PROTO4, Array(n).fill(Op.EMPTY_LIST), Array(n - 1).fill(Op.APPEND), Op.STOP)
    expect(() => decodePickle(nestedLists(1000))).not.toThrow()
    expect(failure(nestedLists(1001)).reason).toBe("nesting deeper than 1000")
    const nestedTuples = (n: number) => pickle(PROTO4, Op.EMPTY_TUPLE, Array(n - 1).fill(Op.TUPLE1), Op.STOP)
    expect(() => decodePickle(nestedTuples(1000))).not.toThrow()
    expect(failure(nestedTuples(1001)).reason).toBe("nesting deeper than 1000")
    expect(failure(nestedTuples(1_000_000)).reason).toBe("nesting deeper than 1000")
    expect(failure(nestedTuples(11), { maxDepth: 10 }).reason).toBe("nesting deeper than 10")
    expect(failure(pickle(PROTO4, Array(1001).fill(Op.MARK), Op.STOP)).reason).toBe("more than 1000 open MARKs")
  })

  it("catches nesting built through the memo, where lists are filled after being nested", () => {
    // Make 1100 empty memoized lists, then append list i+1 into list i, innermost last:
    // when each append happens, the appended list is still empty.
    const n = 1100
    const memoizeAll: Array<number> = [...PROTO4]
    for (let i = 0; i < n; i++) memoizeAll.push(Op.EMPTY_LIST, Op.LONG_BINPUT, ...le32(i), Op.POP)
    for (let i = 0; i < n - 1; i++) memoizeAll.push(Op.LONG_BINGET, ...le32(i), Op.LONG_BINGET, ...le32(i + 1), Op.APPEND, Op.POP)
    memoizeAll.push(Op.LONG_BINGET, ...le32(0), Op.STOP)
    expect(failure(new Uint8Array(memoizeAll)).reason).toBe("nesting deeper than 1000")
    // The same shape 900 deep is fine, and cycles through the memo are allowed.
    const shallow: Array<number> = [...PROTO4]
    for (let i = 0; i < 900; i++) shallow.push(Op.EMPTY_LIST, Op.LONG_BINPUT, ...le32(i), Op.POP)
    for (let i = 0; i < 899; i++) shallow.push(Op.LONG_BINGET, ...le32(i), Op.LONG_BINGET, ...le32(i + 1), Op.APPEND, Op.POP)
    shallow.push(Op.LONG_BINGET, ...le32(899), Op.LONG_BINGET, ...le32(0), Op.APPEND, Op.POP) // close a cycle
    shallow.push(Op.LONG_BINGET, ...le32(0), Op.STOP)
    const outer = decodePickle(new Uint8Array(shallow)) as Array<unknown>
    let inner: unknown = outer
    for (let i = 0; i < 900; i++) inner = (inner as Array<unknown>)[0]
    expect(inner).toBe(outer)
  })

  it("never executes os.system, posix.system, builtins.eval or getattr: they decode to inert records", () => {
    const marker = join(tmpdir(), `pwned-${process.pid}-${Date.now()}`)
    rmSync(marker, { force: true })
    const command = `touch ${marker}`
    const system = decodePickle(pickle(PROTO4, stackGlobal("posix", "system"), str(command), Op.TUPLE1, Op.REDUCE, Op.STOP))
    expect(system).toBeInstanceOf(PyObject)
    expect(system).toMatchObject({ module: "posix", name: "system", args: Tuple.of(command) })
    const osSystem = decodePickle(pickle(Op.PROTO, 2, textGlobal("os", "system"), str(command), Op.TUPLE1, Op.REDUCE, Op.STOP))
    expect(osSystem).toMatchObject({ module: "os", name: "system" })
    const evaluated = decodePickle(
      pickle(PROTO4, stackGlobal("builtins", "eval"), str(`require("fs").writeFileSync("${marker}", "")`), Op.TUPLE1, Op.REDUCE, Op.STOP)
    )
    expect(evaluated).toMatchObject({ module: "builtins", name: "eval" })
    const getattr = decodePickle(
      pickle(PROTO4, stackGlobal("builtins", "getattr"), stackGlobal("os", "path"), str("join"), Op.TUPLE2, Op.REDUCE, Op.STOP)
    )
    expect(getattr).toBeInstanceOf(PyObject)
    const newobj = decodePickle(pickle(PROTO4, stackGlobal("subprocess", "Popen"), str(command), Op.TUPLE1, Op.NEWOBJ, Op.STOP))
    expect(newobj).toBeInstanceOf(PyNewObject)
    // Whitelisted builtins are "called" only with the argument shapes CPython writes.
    const bigBytearray = decodePickle(pickle(PROTO4, stackGlobal("builtins", "bytearray"), Op.LONG1, 4, le32(1 << 30), Op.TUPLE1, Op.REDUCE, Op.STOP))
    expect(bigBytearray).toBeInstanceOf(PyObject)
    expect(existsSync(marker)).toBe(false)
  })

  it("rejects memo references out of range and memo writes over the cap", () => {
    expect(failure(pickle(PROTO4, Op.BINGET, 5, Op.STOP)).reason).toBe("memo index 5 not found")
    expect(failure(pickle(PROTO4, Op.LONG_BINGET, le32(0xffff_ffff), Op.STOP)).reason).toBe("memo index 4294967295 not found")
    expect(failure(pickle(PROTO4, Op.NONE, Op.LONG_BINPUT, le32(0xffff_ffff), Op.STOP)).reason).toMatch(/memo index 4294967295 over the limit/)
    expect(failure(pickle(Op.GET, ascii("x\n"), Op.STOP)).reason).toBe("bad memo index")
    const many = pickle(PROTO4, Op.EMPTY_LIST, Op.MARK, Array(50).fill([Op.NONE, Op.MEMOIZE]).flat(), Op.APPENDS, Op.STOP)
    expect(() => decodePickle(many, { maxMemo: 50 })).not.toThrow()
    expect(failure(many, { maxMemo: 49 }).reason).toMatch(/memo index 49 over the limit of 49/)
  })

  it("reports stack underflow, including pops across a MARK", () => {
    const underflows: Array<Uint8Array> = [
      pickle(PROTO4, Op.STOP),
      pickle(PROTO4, Op.TUPLE1, Op.STOP),
      pickle(PROTO4, Op.NONE, Op.TUPLE2, Op.STOP),
      pickle(PROTO4, Op.NONE, Op.MARK, Op.TUPLE1, Op.STOP),
      pickle(PROTO4, Op.APPEND, Op.STOP),
      pickle(PROTO4, Op.NONE, Op.APPEND, Op.STOP),
      pickle(PROTO4, Op.MARK, Op.NONE, Op.APPENDS, Op.STOP),
      pickle(PROTO4, Op.POP, Op.STOP),
      pickle(PROTO4, Op.DUP, Op.STOP),
      pickle(PROTO4, Op.NONE, Op.REDUCE, Op.STOP),
      pickle(PROTO4, Op.BUILD, Op.STOP),
      pickle(PROTO4, Op.NONE, Op.NONE, Op.SETITEM, Op.STOP),
      pickle(PROTO4, str("m"), Op.STACK_GLOBAL, Op.STOP),
      pickle(PROTO4, Op.MEMOIZE, Op.STOP)
    ]
    for (const bytes of underflows) expect(failure(bytes).reason).toMatch(/stack underflow|STOP with 0 values/)
    expect(failure(pickle(PROTO4, Op.TUPLE, Op.STOP)).reason).toBe("TUPLE without MARK")
    expect(failure(pickle(PROTO4, Op.EMPTY_DICT, Op.SETITEMS, Op.STOP)).reason).toBe("SETITEMS without MARK")
    expect(failure(pickle(PROTO4, Op.NONE, Op.NONE, Op.STOP)).reason).toBe("STOP with 2 values on the stack")
    expect(failure(pickle(PROTO4, Op.MARK, Op.NONE, Op.STOP)).reason).toBe("STOP with an open MARK")
  })

  it("decodes UTF-8 strictly: invalid bytes, lone surrogates, overlong forms and cut sequences fail", () => {
    const bad = [[0xff], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0x61, 0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]]
    for (const b of bad) {
      expect(failure(pickle(PROTO4, Op.SHORT_BINUNICODE, b.length, b, Op.STOP)).reason).toBe("invalid UTF-8 in string")
      expect(failure(pickle(PROTO4, Op.BINUNICODE, le32(b.length), b, Op.STOP)).reason).toBe("invalid UTF-8 in string")
    }
    const long = [...Buffer.from("a".repeat(100)), 0xff]
    expect(failure(pickle(PROTO4, Op.BINUNICODE, le32(long.length), long, Op.STOP)).reason).toBe("invalid UTF-8 in string")
    // A byte order mark is a character, not something to strip.
    expect(decodePickle(pickle(PROTO4, Op.SHORT_BINUNICODE, 4, 0xef, 0xbb, 0xbf, 0x61, Op.STOP))).toBe("\ufeffa")
  })

  it("rejects operations on the wrong kind of object", () => {
    const cases: Array<[Uint8Array, string | RegExp]> = [
      [pickle(PROTO4, stackGlobal("builtins", "set"), Op.EMPTY_LIST, Op.REDUCE, Op.STOP), "REDUCE args must be a tuple"],
      [pickle(PROTO4, str("x"), Op.EMPTY_TUPLE, Op.REDUCE, Op.STOP), "REDUCE calls a string"],
      [pickle(PROTO4, Op.NONE, str("x"), Op.STACK_GLOBAL, Op.STOP), "STACK_GLOBAL requires two str"],
      [pickle(PROTO4, Op.EMPTY_TUPLE, Op.NONE, Op.APPEND, Op.STOP), "APPEND to Tuple"],
      [pickle(PROTO4, Op.EMPTY_LIST, Op.NONE, Op.NONE, Op.SETITEM, Op.STOP), "SETITEM on Array"],
      [pickle(PROTO4, Op.MARK, Op.FROZENSET, Op.MARK, Op.NONE, Op.ADDITEMS, Op.STOP), "ADDITEMS to FrozenSet"],
      [pickle(PROTO4, Op.EMPTY_LIST, Op.EMPTY_DICT, Op.BUILD, Op.STOP), "BUILD on Array"],
      [pickle(PROTO4, Op.EMPTY_DICT, Op.EMPTY_LIST, Op.NONE, Op.SETITEM, Op.STOP), "unhashable dict key of type Array"],
      [pickle(PROTO4, Op.MARK, Op.EMPTY_DICT, Op.FROZENSET, Op.STOP), "unhashable set item of type PyDict"],
      [pickle(PROTO4, Op.EMPTY_DICT, Op.MARK, Op.NONE, Op.SETITEMS, Op.STOP), "SETITEMS with an odd number of values"],
      [pickle(PROTO4, str("x"), Op.EMPTY_TUPLE, Op.NEWOBJ, Op.STOP), "NEWOBJ of a string, not a class"],
      [pickle(Op.PROTO, 6, Op.NONE, Op.STOP), "unsupported pickle protocol 6"],
      [pickle(PROTO4, Op.NONE, Op.STOP, Op.NONE), "1 trailing bytes after STOP"],
      [pickle(PROTO4, Op.NONE), "truncated: no STOP"],
      [pickle(Op.INT, ascii("12x\n"), Op.STOP), "bad INT argument"],
      [pickle(Op.LONG, ascii(`${"9".repeat(5000)}L\n`), Op.STOP), "bad LONG argument"],
      [pickle(Op.FLOAT, ascii("1e999\n"), Op.STOP), "bad FLOAT argument"],
      [pickle(Op.STRING, ascii("'abc\n"), Op.STOP), /bad STRING argument/],
      [pickle(Op.UNICODE, ascii("\\u12\n"), Op.STOP), "bad UNICODE argument"],
      [pickle(Op.SHORT_BINSTRING, 1, 0xe9, Op.STOP), "non-ASCII Python 2 str"]
    ]
    for (const [bytes, reason] of cases) {
      const e = failure(bytes)
      if (typeof reason === "string") expect(e.reason).toBe(reason)
      else expect(e.reason).toMatch(reason)
    }
  })

  it("requires a Token's BUILD state, and a well-formed one", () => {
    const token = stackGlobal("multiprocessing.managers", "Token")
    expect(failure(pickle(PROTO4, token, Op.EMPTY_TUPLE, Op.NEWOBJ, Op.STOP)).reason).toBe("Token or Value without its BUILD state")
    expect(failure(pickle(PROTO4, token, Op.EMPTY_TUPLE, Op.NEWOBJ, str("a"), Op.TUPLE1, Op.BUILD, Op.STOP)).reason)
      .toBe("Token state must be (typeid, address, id)")
    expect(failure(pickle(PROTO4, token, Op.EMPTY_TUPLE, Op.NEWOBJ, str("a"), Op.NONE, str("b"), Op.TUPLE3, Op.BUILD, Op.STOP)).reason)
      .toMatch(/Token state must be/)
    const longId = [Op.BINUNICODE, ...le32(5000), ...Buffer.from("x".repeat(5000))]
    expect(failure(pickle(PROTO4, token, Op.EMPTY_TUPLE, Op.NEWOBJ, str("a"), str("/s"), longId, Op.TUPLE3, Op.BUILD, Op.STOP)).reason)
      .toBe("Token field too long")
    expect(failure(pickle(PROTO4, token, Op.EMPTY_TUPLE, Op.NEWOBJ, Op.DUP, str("a"), str("/s"), str("1"), Op.TUPLE3, Op.BUILD,
      str("a"), str("/s"), str("1"), Op.TUPLE3, Op.BUILD, Op.STOP)).reason).toBe("BUILD on a Token that is already built")
  })

  it("keeps a Namespace attribute named __proto__ as a plain attribute", () => {
    const ns = decodePickle(pickle(
      PROTO4, stackGlobal("multiprocessing.managers", "Namespace"), Op.EMPTY_TUPLE, Op.NEWOBJ,
      Op.EMPTY_DICT, str("__proto__"), Op.EMPTY_DICT, str("polluted"), Op.NEWTRUE, Op.SETITEM, Op.SETITEM, Op.BUILD, Op.STOP
    ))
    expect(ns).toBeInstanceOf(NamespaceValue)
    expect(Object.getPrototypeOf(ns)).toBe(NamespaceValue.prototype)
    expect(Object.hasOwn(ns as object, "__proto__")).toBe(true)
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined()
  })

  it("bounds the work of hashing keys shared through the memo", () => {
    // t0 = ('x' * 200,), t(i+1) = (t(i), t(i)): 2^60 leaves in 700 bytes, then used as a dict key.
    const parts: Array<number> = [...PROTO4, Op.EMPTY_DICT, Op.BINUNICODE, ...le32(200), ...Buffer.from("x".repeat(200)), Op.TUPLE1]
    for (let i = 0; i < 60; i++) parts.push(Op.MEMOIZE, Op.DUP, Op.TUPLE2)
    parts.push(Op.NONE, Op.SETITEM, Op.STOP)
    const started = performance.now()
    expect(failure(new Uint8Array(parts)).reason).toMatch(/^work over/)
    expect(performance.now() - started).toBeLessThan(1000)
    // One big key is fine; the budget is per decode and configurable.
    const oneKey = pickle(PROTO4, Op.EMPTY_DICT, Op.BINUNICODE, le32(100_000), Buffer.from("k".repeat(100_000)), Op.NONE, Op.SETITEM, Op.STOP)
    expect(() => decodePickle(oneKey)).not.toThrow()
    expect(failure(oneKey, { maxWork: 50_000 }).reason).toMatch(/^work over 50000/)
  })

  it("bounds the work of whitelisted calls and BUILDs that reuse one large value", () => {
    const big = [Op.BINBYTES, ...le32(1 << 20), ...new Uint8Array(1 << 20)]
    const reused = (call: ReadonlyArray<number>, times: number) => {
      const parts: Array<number> = [...PROTO4, ...big, Op.BINPUT, 0, Op.POP, Op.EMPTY_LIST, Op.MARK]
      for (let i = 0; i < times; i++) parts.push(...call)
      parts.push(Op.APPENDS, Op.STOP)
      return new Uint8Array(parts)
    }
    // bytearray(b) copies b: 200 copies of 1 MiB from a 1 MiB pickle.
    const copy = [...stackGlobal("builtins", "bytearray"), Op.BINGET, 0, Op.TUPLE1, Op.REDUCE]
    expect(() => decodePickle(reused(copy, 2))).not.toThrow()
    expect(failure(reused(copy, 200)).reason).toMatch(/^work over/)
    // An exception message formats its args.
    const error = [...stackGlobal("builtins", "ValueError"), Op.BINGET, 0, Op.TUPLE1, Op.REDUCE]
    expect(failure(reused(error, 200)).reason).toMatch(/^work over/)
    // A shared 2^60-leaf tuple as an exception argument is refused before anything walks it.
    const dag: Array<number> = [...PROTO4, ...stackGlobal("builtins", "KeyError"), Op.NONE, Op.TUPLE1]
    for (let i = 0; i < 60; i++) dag.push(Op.DUP, Op.TUPLE2)
    dag.push(Op.TUPLE1, Op.REDUCE, Op.STOP)
    expect(failure(new Uint8Array(dag)).reason).toMatch(/^work over/)
    // Filling Namespace copies from one large memoized state.
    const state: Array<number> = [...PROTO4, Op.EMPTY_DICT, Op.MARK]
    for (let i = 0; i < 1000; i++) state.push(...str(`a${i}`), Op.NONE)
    state.push(Op.SETITEMS, Op.BINPUT, 0, Op.POP, Op.EMPTY_LIST, Op.MARK)
    const fill = [...stackGlobal("multiprocessing.managers", "Namespace"), Op.EMPTY_TUPLE, Op.NEWOBJ, Op.BINGET, 0, Op.BUILD]
    for (let i = 0; i < 20_000; i++) state.push(...fill)
    state.push(Op.APPENDS, Op.STOP)
    expect(failure(new Uint8Array(state)).reason).toMatch(/^work over/)
  })

  it("refuses values that shared references expand beyond the work budget", () => {
    // 20_000 references to one 100 kB string: 2 GB once walked, from a 140 kB pickle.
    const strings = pickle(PROTO4, Op.BINUNICODE, le32(100_000), Buffer.from("s".repeat(100_000)), Op.BINPUT, 0, Op.POP,
      Op.EMPTY_LIST, Op.MARK, Array(20_000).fill([Op.BINGET, 0]).flat(), Op.APPENDS, Op.STOP)
    expect(failure(strings).reason).toMatch(/^value expands to more than \d+ units through shared references$/)
    expect(() => decodePickle(strings, { maxWork: 3e9 })).not.toThrow()
    // t(i+1) = (t(i), t(i)), 60 times: 2^60 nodes as a tree.
    const tuples: Array<number> = [...PROTO4, Op.NONE]
    for (let i = 0; i < 60; i++) tuples.push(Op.DUP, Op.TUPLE2)
    tuples.push(Op.STOP)
    expect(failure(new Uint8Array(tuples)).reason).toMatch(/^value expands/)
    // The same doubling with lists filled after they were nested (sizes unknown while building).
    const lists: Array<number> = [...PROTO4]
    for (let i = 0; i <= 60; i++) lists.push(Op.EMPTY_LIST, Op.BINPUT, i, Op.POP)
    for (let i = 0; i < 60; i++) lists.push(Op.BINGET, i, Op.BINGET, i + 1, Op.APPEND, Op.BINGET, i + 1, Op.APPEND, Op.POP)
    lists.push(Op.BINGET, 60, Op.NONE, Op.APPEND, Op.POP, Op.BINGET, 0, Op.STOP)
    const started = performance.now()
    expect(failure(new Uint8Array(lists)).reason).toMatch(/^value expands/)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it("decodes an exception whose argument is cyclic, without walking it for the message", () => {
    const cyclic = decodePickle(pickle(PROTO4, stackGlobal("builtins", "KeyError"), Op.EMPTY_LIST, Op.MEMOIZE, Op.BINGET, 0,
      Op.APPEND, Op.TUPLE1, Op.REDUCE, Op.STOP)) as { args: ReadonlyArray<Array<unknown>>; message: string }
    expect(cyclic.args[0]![0]).toBe(cyclic.args[0])
    expect(cyclic.message).toBe("<list object>")
  })

  it("caps the number of values and containers", () => {
    const lists = pickle(PROTO4, Op.EMPTY_LIST, Op.MARK, Array(100).fill(Op.EMPTY_LIST), Op.APPENDS, Op.STOP)
    expect(() => decodePickle(lists, { maxContainers: 101 })).not.toThrow()
    expect(failure(lists, { maxContainers: 100 }).reason).toBe("more than 100 containers")
    const nones = pickle(PROTO4, Op.EMPTY_LIST, Op.MARK, Array(100).fill(Op.NONE), Op.APPENDS, Op.STOP)
    expect(failure(nones, { maxItems: 50 }).reason).toBe("more than 50 values")
  })

  it("gives the byte offset of the failing opcode", () => {
    const e = failure(pickle(PROTO4, Op.NONE, Op.NONE, 0xff, Op.STOP))
    expect(e.offset).toBe(4)
    expect(e.message).toBe("unknown opcode 0xff (at byte 4)")
    expect(e._tag).toBe("PickleError")
  })
})
