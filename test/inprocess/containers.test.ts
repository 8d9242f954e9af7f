/**
 * CPython's _TestContainers, and TestSyncManagerTypes' list and dict, ported
 * to fibers in one process.
 */
import { describe, expect } from "@effect/vitest"
import { Effect, Option } from "effect"
import { PyDict } from "../../src/domain/values/PyDict.ts"
import { FrozenSet } from "../../src/domain/values/PySet.ts"
import { Tuple } from "../../src/domain/values/Tuple.ts"
import { DictProxy } from "../../src/proxy/DictProxy.ts"
import { ListProxy } from "../../src/proxy/ListProxy.ts"
import { QueueProxy } from "../../src/proxy/QueueProxy.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import { clean, eachBackend } from "../support/harness.ts"

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

eachBackend("containers", {}, (it) => {
  describe("list", () => {
    it.effect("test_list: slices, extend, in-place repeat, concatenation, nested lists", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const a = yield* m.list(range(10))
        expect(yield* a.slice(null, null)).toEqual(range(10))
        const b = yield* m.list<number>()
        expect(yield* b.slice(null, null)).toEqual([])
        yield* b.extend(range(5))
        expect(yield* b.slice(null, null)).toEqual([0, 1, 2, 3, 4])
        expect(yield* b.get(2)).toBe(2)
        expect(yield* b.slice(2, 10)).toEqual([2, 3, 4])
        yield* b.repeatInPlace(2)
        expect(yield* b.slice(null, null)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        expect(yield* b.concat([5, 6])).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6])
        expect(yield* a.slice(null, null)).toEqual(range(10))
        const e = yield* m.list([a, b])
        const elements = yield* e.toArray()
        expect(elements.every((x) => x instanceof ListProxy)).toBe(true)
        const values = yield* Effect.forEach(elements as Array<ListProxy<number>>, (x) => x.slice(null, null))
        expect(values).toEqual([range(10), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4]])
        const f = yield* m.list([a])
        yield* a.append("hello" as never)
        const f0 = (yield* f.get(0)) as unknown as ListProxy
        expect(yield* f0.slice(null, null)).toEqual([...range(10), "hello"])
      })))

    it.effect("test_list_iter: an Iterator proxy, exhausted once done, live over the list", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const a = yield* m.list(range(10))
        const it = yield* a.iter()
        expect(yield* it.toArray()).toEqual(range(10))
        expect(yield* it.toArray()).toEqual([])
        const it2 = yield* a.iter()
        yield* a.set(0, 100)
        expect(yield* it2.next()).toBe(100)
        // A list iterator is positional: what is appended meanwhile is seen.
        const it3 = yield* a.iter()
        yield* a.append(11)
        expect((yield* it3.toArray()).at(-1)).toBe(11)
      })))

    it.effect("test_list_proxy_in_list: independent inner lists, removable", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const inner = yield* Effect.forEach(range(3), () => m.list(range(3)))
        const a = yield* m.list(inner)
        for (const p of inner) yield* p.releaseProxy
        const items = (yield* a.toArray()) as Array<ListProxy<number>>
        expect(yield* Effect.forEach(items, (x) => x.slice(null, null))).toEqual([[0, 1, 2], [0, 1, 2], [0, 1, 2]])
        yield* items[0]!.set(-1, 55)
        expect(yield* items[0]!.slice(null, null)).toEqual([0, 1, 55])
        expect(yield* items[1]!.slice(null, null)).toEqual([0, 1, 2])
        expect(yield* items[1]!.pop()).toBe(2)
        expect(yield* Effect.forEach(items, (x) => x.length())).toEqual([3, 2, 3])
      })))

    it.effect("a self-referencing list is released without deadlock and leaves nothing", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const b = yield* m.list<unknown>()
        yield* b.append(b)
        expect(yield* m.numberOfObjects).toBe(1)
        const self = (yield* b.get(0)) as ListProxy
        expect(self.token.id).toBe(b.token.id)
        expect(yield* self.length()).toBe(1)
      })))

    it.effect("list methods: Python equality, errors and ordering", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const l = yield* m.list<unknown>([3, 1, 2])
        yield* l.sort()
        expect(yield* l.toArray()).toEqual([1, 2, 3])
        yield* l.sort({ reverse: true })
        expect(yield* l.toArray()).toEqual([3, 2, 1])
        yield* l.insert(-1, 9)
        expect(yield* l.toArray()).toEqual([3, 2, 9, 1])
        expect(yield* l.index(9)).toBe(2)
        expect(yield* l.count(1.0)).toBe(1)
        expect(yield* l.includes(true)).toBe(true)
        const notFound = yield* Effect.flip(l.index(42))
        expect(notFound._tag).toBe("ValueError")
        expect(notFound.message).toBe("42 is not in list")
        const out = yield* Effect.flip(l.get(10))
        expect(out._tag).toBe("IndexError")
        expect(out.message).toBe("list index out of range")
        yield* l.remove(9)
        expect(yield* Effect.flip(l.remove(9))).toMatchObject({ _tag: "ValueError", message: "list.remove(x): x not in list" })
        yield* l.append("x")
        expect(yield* Effect.flip(l.sort())).toMatchObject({
          _tag: "TypeError",
          message: "'<' not supported between instances of 'str' and 'int'"
        })
        yield* l.setSlice(0, 2, ["a", "b", "c"])
        expect(yield* l.toArray()).toEqual(["a", "b", "c", 1, "x"])
        yield* l.deleteSlice(null, null, 2)
        expect(yield* l.toArray()).toEqual(["b", 1])
        expect(yield* l.repeat(2)).toEqual(["b", 1, "b", 1])
        expect(yield* l.pop(0)).toBe("b")
        yield* l.clear()
        expect(yield* Effect.flip(l.pop())).toMatchObject({ _tag: "IndexError", message: "pop from empty list" })
      })))
  })

  describe("dict", () => {
    it.effect("test_dict: copy, keys, values and items as lists of tuples", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict<number, string>()
        for (let i = 65; i < 70; i++) yield* d.set(i, String.fromCharCode(i))
        const copy = yield* d.copy()
        expect(copy).toBeInstanceOf(PyDict)
        expect([...copy]).toEqual([[65, "A"], [66, "B"], [67, "C"], [68, "D"], [69, "E"]])
        expect(yield* d.keys()).toEqual([65, 66, 67, 68, 69])
        expect(yield* d.values()).toEqual(["A", "B", "C", "D", "E"])
        const items = yield* d.items()
        expect(items[0]).toBeInstanceOf(Tuple)
        expect(items.map((t) => [...t])).toEqual([[65, "A"], [66, "B"], [67, "C"], [68, "D"], [69, "E"]])
      })))

    it.effect("test_dict_iter: insertion order, exhaustion, and RuntimeError when the dict changes", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict<number, string>()
        for (let i = 65; i < 70; i++) yield* d.set(i, String.fromCharCode(i))
        const it = yield* d.iter()
        expect(yield* it.toArray()).toEqual([65, 66, 67, 68, 69])
        expect(yield* it.toArray()).toEqual([])
        const it2 = yield* d.iter()
        yield* d.clear()
        const error = yield* Effect.flip(it2.next())
        expect(error).toMatchObject({ _tag: "RuntimeError", message: "dictionary changed size during iteration" })
      })))

    it.effect("test_dict_proxy_nested: proxies stored in a dict stay live after their own proxies go", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const pets = yield* m.dict({ ferrets: 2, hamsters: 4 })
        const supplies = yield* m.dict({ water: 10, feed: 3 })
        const d = yield* m.dict<string, DictProxy<string, number>>({ pets, supplies })
        expect(yield* supplies.getItem("water")).toBe(10)
        const s1 = yield* d.getItem("supplies")
        expect(s1).toBeInstanceOf(DictProxy)
        expect(yield* s1.getItem("water")).toBe(10)
        yield* s1.set("blankets", 5)
        expect(yield* supplies.getItem("blankets")).toBe(5)
        yield* s1.set("water", 7)
        expect(yield* supplies.getItem("water")).toBe(7)
        // Release every proxy of pets and supplies: d keeps them alive.
        yield* Effect.forEach([pets, supplies, s1], (p) => p.releaseProxy)
        expect(yield* (yield* d.getItem("pets")).getItem("ferrets")).toBe(2)
        yield* (yield* d.getItem("supplies")).set("blankets", 11)
        expect(yield* (yield* d.getItem("supplies")).getItem("blankets")).toBe(11)
        const pets2 = yield* d.getItem("pets")
        const supplies2 = yield* d.getItem("supplies")
        yield* supplies2.set("water", 7)
        expect(yield* (yield* d.getItem("supplies")).getItem("water")).toBe(7)
        yield* d.clear()
        expect(yield* d.size()).toBe(0)
        expect(yield* supplies2.getItem("water")).toBe(7)
        expect(yield* pets2.getItem("hamsters")).toBe(4)
        const l = yield* m.list([pets2, supplies2])
        yield* ((yield* l.get(0)) as DictProxy<string, number>).set("marmots", 1)
        expect(yield* pets2.getItem("marmots")).toBe(1)
        yield* pets2.releaseProxy
        yield* supplies2.releaseProxy
        expect(yield* ((yield* l.get(0)) as DictProxy<string, number>).getItem("marmots")).toBe(1)
        const outer = yield* m.list<unknown>([[88, 99], l])
        expect(yield* outer.get(0)).toEqual([88, 99])
        const last = (yield* outer.get(-1)) as ListProxy<DictProxy<string, number>>
        expect(yield* (yield* last.get(-1)).getItem("feed")).toBe(3)
      })))

    it.effect("releasing the container releases what it holds, three levels deep", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const before = yield* m.numberOfObjects
        yield* Effect.scoped(Effect.gen(function*() {
          const q = yield* m.Queue<number>()
          const inner = yield* m.dict({ q })
          const middle = yield* m.list([inner])
          const outer = yield* m.dict({ middle })
          yield* Effect.forEach([q, inner, middle], (p) => p.releaseProxy)
          expect(yield* m.numberOfObjects).toBe(before + 4)
          const mid = (yield* outer.getItem("middle")) as unknown as ListProxy<DictProxy<string, QueueProxy<number>>>
          const queue = yield* (yield* mid.get(0)).getItem("q")
          yield* queue.put(7)
          expect(yield* queue.get()).toBe(7)
        }))
        expect(yield* m.numberOfObjects).toBe(before)
      })))

    it.effect("test_nested_queue: a Queue inside a list and a dict", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const a = yield* m.list<QueueProxy<number>>()
        yield* a.append(yield* m.Queue<number>())
        yield* (yield* a.get(0)).put(123)
        expect(yield* (yield* a.get(0)).get()).toBe(123)
        const b = yield* m.dict<number, QueueProxy<number>>()
        yield* b.set(0, yield* m.Queue<number>())
        yield* (yield* b.getItem(0)).put(456)
        expect(yield* (yield* b.getItem(0)).get()).toBe(456)
      })))

    it.effect("dict methods with Python keys: tuples, 1 == 1.0 == True, bytes, frozensets", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const d = yield* m.dict<unknown, string>()
        yield* d.set(Tuple.of<unknown>(1, "a"), "tuple")
        yield* d.set(1, "one")
        yield* d.set(true, "true")
        yield* d.set(new Uint8Array([1, 2]), "bytes")
        yield* d.set(new FrozenSet([1, 2]), "frozen")
        expect(yield* d.size()).toBe(4)
        expect(yield* d.getItem(Tuple.of<unknown>(1, "a"))).toBe("tuple")
        expect(yield* d.getItem(1.0)).toBe("true")
        expect(yield* d.keys()).toContainEqual(1)
        expect(yield* d.getItem(new Uint8Array([1, 2]))).toBe("bytes")
        expect(yield* d.getItem(new FrozenSet([2, 1]))).toBe("frozen")
        expect(yield* d.get("missing")).toEqual(Option.none())
        expect(yield* d.getOrElse("missing", "fallback")).toBe("fallback")
        expect(yield* Effect.flip(d.getItem("missing"))).toMatchObject({ _tag: "KeyError", message: "'missing'" })
        expect(yield* Effect.flip(d.set([1] as never, "x"))).toMatchObject({ _tag: "TypeError", message: "unhashable type: 'list'" })
        expect(yield* d.setdefault("k", "v")).toBe("v")
        expect(yield* d.setdefault("k", "w")).toBe("v")
        expect(yield* d.pop("k")).toBe("v")
        expect(yield* d.popOrElse("k", "gone")).toBe("gone")
        expect(yield* Effect.flip(d.pop("k"))).toMatchObject({ _tag: "KeyError" })
        yield* d.update([["x", "1"], ["y", "2"]])
        yield* d.update({ z: "3" })
        const last = yield* d.popitem()
        expect([...last]).toEqual(["z", "3"])
        expect(yield* d.has("x")).toBe(true)
        yield* d.delete("x")
        expect(yield* d.has("x")).toBe(false)
        expect(yield* Effect.flip(d.delete("x"))).toMatchObject({ _tag: "KeyError" })
        yield* d.clear()
        expect(yield* Effect.flip(d.popitem())).toMatchObject({ _tag: "KeyError", message: "'popitem(): dictionary is empty'" })
        expect(yield* d.str()).toBe("{}")
      })))
  })

  describe("set, namespace, value, array", () => {
    it.effect("set: Python equality and errors", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const s = yield* m.set<unknown>([1, 2, Tuple.of<unknown>(3, 4)])
        expect(yield* s.has(1.0)).toBe(true)
        expect(yield* s.has(Tuple.of<unknown>(3, 4))).toBe(true)
        yield* s.add(true)
        expect(yield* s.size()).toBe(3)
        yield* s.discard(99)
        expect(yield* Effect.flip(s.remove(99))).toMatchObject({ _tag: "KeyError", message: "99" })
        expect([...(yield* s.union([5]))].length).toBe(4)
        expect([...(yield* s.intersection([2, 5]))]).toEqual([2])
        yield* s.clear()
        expect(yield* Effect.flip(s.pop())).toMatchObject({ _tag: "KeyError" })
      })))

    it.effect("test_namespace: attributes, AttributeError, repr", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const n = yield* m.Namespace<{ name: string; job: string }>()
        yield* n.set("name", "Bob")
        yield* n.set("job", "Builder")
        expect([yield* n.get("name"), yield* n.get("job")]).toEqual(["Bob", "Builder"])
        yield* n.delete("job")
        expect(yield* n.str()).toBe("Namespace(name='Bob')")
        expect(yield* Effect.flip(n.get("job"))).toMatchObject({
          _tag: "AttributeError",
          message: "'Namespace' object has no attribute 'job'"
        })
        const copy = yield* n.getValue()
        expect(copy.name).toBe("Bob")
      })))

    it.effect("test_value and test_array: typed items, overflow and copies", () =>
      clean(Effect.gen(function*() {
        const m = yield* Manager
        const v = yield* m.Value("i", 1)
        expect(yield* v.get()).toBe(1)
        yield* v.set(2)
        expect(yield* v.get()).toBe(2)
        expect(yield* v.str()).toBe("Value('i', 2)")
        expect(yield* v.getValue()).toMatchObject({ typecode: "i", value: 2 })
        const a = yield* m.Array("i", [0, 1])
        expect([yield* a.get(0), yield* a.get(1), yield* a.length()]).toEqual([0, 1, 2])
        yield* a.set(-1, 7)
        expect((yield* a.getValue()).items).toEqual([0, 7])
        expect(yield* Effect.flip(a.set(0, 2 ** 40))).toMatchObject({ _tag: "OverflowError" })
        expect(yield* Effect.flip(a.set(0, 1.5))).toMatchObject({ _tag: "TypeError" })
        expect(yield* Effect.flip(a.get(5))).toMatchObject({ _tag: "IndexError", message: "array index out of range" })
        const zeros = yield* m.Array("d", 3)
        expect((yield* zeros.getValue()).items).toEqual([0, 0, 0])
      })))
  })
})

