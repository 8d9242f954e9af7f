/**
 * Property tests: random sequences of operations on a shared dict, list and
 * Queue give, step by step, what the same operations give on a local model.
 */
import { expect } from "@effect/vitest"
import { Arbitrary, Effect, Schema } from "effect"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean, eachBackend } from "../support/harness.ts"

const Key = Schema.Union([Schema.Literals(["a", "b", "c"]), Schema.Literals([0, 1, 2])])
const Val = Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: -5, maximum: 5 })))
const Index = Schema.Int.pipe(Schema.check(Schema.isBetween({ minimum: -4, maximum: 4 })))

const DictOp = Schema.Union([
  Schema.TaggedStruct("set", { k: Key, v: Val }),
  Schema.TaggedStruct("delete", { k: Key }),
  Schema.TaggedStruct("getItem", { k: Key }),
  Schema.TaggedStruct("pop", { k: Key }),
  Schema.TaggedStruct("setdefault", { k: Key, v: Val }),
  Schema.TaggedStruct("popitem", {}),
  Schema.TaggedStruct("size", {}),
  Schema.TaggedStruct("keys", {}),
  Schema.TaggedStruct("clear", {})
])
const ListOp = Schema.Union([
  Schema.TaggedStruct("append", { v: Val }),
  Schema.TaggedStruct("pop", { i: Index }),
  Schema.TaggedStruct("insert", { i: Index, v: Val }),
  Schema.TaggedStruct("set", { i: Index, v: Val }),
  Schema.TaggedStruct("get", { i: Index }),
  Schema.TaggedStruct("remove", { v: Val }),
  Schema.TaggedStruct("index", { v: Val }),
  Schema.TaggedStruct("length", {}),
  Schema.TaggedStruct("reverse", {}),
  Schema.TaggedStruct("sort", { reverse: Schema.Boolean })
])
const QueueOp = Schema.Union([
  Schema.TaggedStruct("put", { v: Val }),
  Schema.TaggedStruct("getNowait", {}),
  Schema.TaggedStruct("qsize", {})
])

type Outcome = { readonly ok: unknown } | { readonly error: string }
const attempt = (f: () => unknown): Outcome => {
  try {
    return { ok: f() }
  } catch (e) {
    return { error: e as string }
  }
}
const outcome = <A>(effect: Effect.Effect<A, { readonly _tag: string }>) =>
  effect.pipe(Effect.map((ok): Outcome => ({ ok })), Effect.catch((e) => Effect.succeed<Outcome>({ error: e._tag })))

const dictModel = (model: Map<unknown, number>, op: typeof DictOp.Type): Outcome =>
  attempt(() => {
    switch (op._tag) {
      case "set":
        model.set(op.k, op.v)
        return undefined
      case "delete":
        if (!model.delete(op.k)) throw "KeyError"
        return undefined
      case "getItem":
        if (!model.has(op.k)) throw "KeyError"
        return model.get(op.k)
      case "pop": {
        if (!model.has(op.k)) throw "KeyError"
        const v = model.get(op.k)
        model.delete(op.k)
        return v
      }
      case "setdefault":
        if (!model.has(op.k)) model.set(op.k, op.v)
        return model.get(op.k)
      case "popitem": {
        const last = [...model].at(-1)
        if (last === undefined) throw "KeyError"
        model.delete(last[0])
        return last
      }
      case "size":
        return model.size
      case "keys":
        return [...model.keys()]
      case "clear":
        model.clear()
        return undefined
    }
  })

const position = (i: number, length: number) => {
  const j = i < 0 ? i + length : i
  if (j < 0 || j >= length) throw "IndexError"
  return j
}

const listModel = (model: Array<number>, op: typeof ListOp.Type): Outcome =>
  attempt(() => {
    switch (op._tag) {
      case "append":
        model.push(op.v)
        return undefined
      case "pop": {
        if (model.length === 0) throw "IndexError"
        return model.splice(position(op.i, model.length), 1)[0]
      }
      case "insert": {
        const i = op.i < 0 ? Math.max(0, op.i + model.length) : Math.min(op.i, model.length)
        model.splice(i, 0, op.v)
        return undefined
      }
      case "set":
        model[position(op.i, model.length)] = op.v
        return undefined
      case "get":
        return model[position(op.i, model.length)]
      case "remove": {
        const i = model.indexOf(op.v)
        if (i < 0) throw "ValueError"
        model.splice(i, 1)
        return undefined
      }
      case "index": {
        const i = model.indexOf(op.v)
        if (i < 0) throw "ValueError"
        return i
      }
      case "length":
        return model.length
      case "reverse":
        model.reverse()
        return undefined
      case "sort":
        model.sort((a, b) => (op.reverse ? b - a : a - b))
        return undefined
    }
  })

const checked = <A>(arbitrary: Arbitrary.Arbitrary<A>, property: (value: A) => Effect.Effect<boolean, unknown, Manager>) =>
  Effect.gen(function*() {
    const result = yield* Arbitrary.checkEffect(arbitrary, property, { runs: 100, size: 100 })
    expect(Arbitrary.formatCheckFailure(result)).toBeUndefined()
  })

eachBackend("shared objects match a local model", {}, (it) => {
  it.effect("dict", () =>
    clean(checked(Arbitrary.array(Arbitrary.schema(DictOp), { minLength: 10, maxLength: 60 }), (ops) =>
      Effect.scoped(Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict<unknown, number>()
        const model = new Map<unknown, number>()
        for (const op of ops) {
          const expected = dictModel(model, op)
          const actual = yield* outcome(
            op._tag === "set" ? d.set(op.k, op.v)
            : op._tag === "delete" ? d.delete(op.k)
            : op._tag === "getItem" ? d.getItem(op.k)
            : op._tag === "pop" ? d.pop(op.k)
            : op._tag === "setdefault" ? d.setdefault(op.k, op.v)
            : op._tag === "popitem" ? Effect.map(d.popitem(), (t) => [...t])
            : op._tag === "size" ? d.size()
            : op._tag === "keys" ? d.keys()
            : d.clear()
          )
          expect(actual).toEqual(expected)
        }
        return true
      }))
    ))
  )

  it.effect("list", () =>
    clean(checked(Arbitrary.array(Arbitrary.schema(ListOp), { minLength: 10, maxLength: 60 }), (ops) =>
      Effect.scoped(Effect.gen(function*() {
        const m = yield* Manager
        const l = yield* m.list<number>()
        const model: Array<number> = []
        for (const op of ops) {
          const expected = listModel(model, op)
          const actual = yield* outcome(
            op._tag === "append" ? l.append(op.v)
            : op._tag === "pop" ? l.pop(op.i)
            : op._tag === "insert" ? l.insert(op.i, op.v)
            : op._tag === "set" ? l.set(op.i, op.v)
            : op._tag === "get" ? l.get(op.i)
            : op._tag === "remove" ? l.remove(op.v)
            : op._tag === "index" ? l.index(op.v)
            : op._tag === "length" ? l.length()
            : op._tag === "reverse" ? l.reverse()
            : l.sort({ reverse: op.reverse })
          )
          expect(actual).toEqual(expected)
        }
        expect(yield* l.toArray()).toEqual(model)
        return true
      }))
    ))
  )

  it.effect("Queue", () =>
    clean(checked(Arbitrary.array(Arbitrary.schema(QueueOp), { minLength: 10, maxLength: 60 }), (ops) =>
      Effect.scoped(Effect.gen(function*() {
        const m = yield* Manager
        const q = yield* m.Queue<number>()
        const model: Array<number> = []
        for (const op of ops) {
          if (op._tag === "put") {
            model.push(op.v)
            yield* q.put(op.v)
          } else if (op._tag === "qsize") {
            expect(yield* q.qsize()).toBe(model.length)
          } else {
            const expected: Outcome = model.length === 0 ? { error: "QueueEmpty" } : { ok: model.shift() }
            expect(yield* outcome(q.getNowait())).toEqual(expected)
          }
        }
        return true
      }))
    ))
  )
})
