/**
 * The Promise API's dict, list, Namespace and nested proxies, mirroring
 * test/inprocess/containers.test.ts: the same results, the same tagged errors
 * (as rejections), and proxies released by `await using` or `releaseProxy`.
 */
import { Option } from "effect"
import { describe, expect, it } from "vitest"
import { AttributeError, KeyError, ProxyReleased, PyDict, Tuple } from "../../src/index.ts"
import type { CallError } from "../../src/domain/ManagerErrors.ts"
import type { PromiseProxy, Rejection } from "../../src/promise/index.ts"
import type { DictProxy } from "../../src/proxy/DictProxy.ts"
import type { QueueProxy } from "../../src/proxy/QueueProxy.ts"
import { assertType, type IsAny, sharedManager } from "./support.ts"

const manager = sharedManager()

describe("dict", () => {
  it("test_dict: copy, keys, values and items as lists of tuples", async () => {
    await using d = await manager().dict<number, string>()
    for (let i = 65; i < 70; i++) await d.set(i, String.fromCharCode(i))
    const copy = await d.copy()
    expect(copy).toBeInstanceOf(PyDict)
    expect([...copy]).toEqual([[65, "A"], [66, "B"], [67, "C"], [68, "D"], [69, "E"]])
    expect(await d.keys()).toEqual([65, 66, 67, 68, 69])
    expect(await d.values()).toEqual(["A", "B", "C", "D", "E"])
    const items = await d.items()
    expect(items[0]).toBeInstanceOf(Tuple)
    expect(items.map((t) => [...t])).toEqual([[65, "A"], [66, "B"], [67, "C"], [68, "D"], [69, "E"]])
    expect(await d.get(65)).toEqual(Option.some("A"))
    expect(await d.getOrElse(1, "none")).toBe("none")
  })

  it("a missing key rejects with the very KeyError class, tag and message; the rejection type names it", async () => {
    await using d = await manager().dict<string, number>({ a: 1 })
    expect(await d.getItem("a")).toBe(1)
    const error = await d.getItem("zzz").then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(KeyError)
    expect(error).toBeInstanceOf(Error)
    expect(error).toMatchObject({ _tag: "KeyError", message: "'zzz'", args: ["zzz"] })
    await expect(d.delete("zzz")).rejects.toBeInstanceOf(KeyError)
    type GetItemError = Rejection<typeof d.getItem>
    assertType<KeyError extends GetItemError ? true : false>(true)
    assertType<CallError extends GetItemError ? true : false>(true)
    assertType<IsAny<GetItemError> extends false ? true : false>(true)
    const value: number = await d.getItem("a")
    expect(value).toBe(1)
  })

  it("test_dict_iter: an Iterator Promise proxy over the keys, released with its own reference", async () => {
    await using d = await manager().dict<number, string>()
    for (let i = 65; i < 70; i++) await d.set(i, String.fromCharCode(i))
    await using it = await d.iter()
    expect(await it.toArray()).toEqual([65, 66, 67, 68, 69])
    expect(await it.toArray()).toEqual([])
    expect(await manager().numberOfObjects()).toBe(2)
  })

  it("test_dict_proxy_nested: proxies read out of a dict are Promise proxies, live after their own proxies go", async () => {
    const m = manager()
    const pets = await m.dict({ ferrets: 2, hamsters: 4 })
    const supplies = await m.dict({ water: 10, feed: 3 })
    await using d = await m.dict<string, DictProxy<string, number>>()
    await d.set("pets", pets)
    await d.set("supplies", supplies)
    await using s1 = await d.getItem("supplies")
    expect(await s1.getItem("water")).toBe(10)
    await s1.set("blankets", 5)
    expect(await supplies.getItem("blankets")).toBe(5)
    await pets.releaseProxy()
    await supplies.releaseProxy()
    await s1.releaseProxy()
    await using pets2 = await d.getItem("pets")
    expect(await pets2.getItem("ferrets")).toBe(2)
    // A list of proxies: each item comes back a Promise proxy too.
    await using l = await m.list([pets2])
    const [first] = await l.toArray()
    await first!.set("marmots", 1)
    expect(await pets2.getItem("marmots")).toBe(1)
    await first!.releaseProxy()
    expect(await m.numberOfObjects()).toBe(4)
  })

  it("a Queue in a dict: typed as a Promise proxy, and an Option of one", async () => {
    const m = manager()
    await using q = await m.Queue<number>()
    // Typed by the Promise proxies it holds, as well as by the Effect proxies.
    await using d = await m.dict<string, PromiseProxy<QueueProxy<number>>>()
    await d.set("q", q)
    await using inner = await d.getItem("q")
    await inner.put(456)
    expect(await q.get()).toBe(456)
    const maybe = await d.get("q")
    expect(Option.isSome(maybe)).toBe(true)
    if (Option.isSome(maybe)) {
      await maybe.value.put(7)
      expect(await q.getNowait()).toBe(7)
      await maybe.value.releaseProxy()
    }
  })
})

describe("proxies' release", () => {
  it("await using releases at the end of its block, on success and on a thrown error", async () => {
    const m = manager()
    {
      await using d = await m.dict({ a: 1 })
      await using l = await m.list([1, 2])
      expect(await d.size()).toBe(1)
      expect(await l.length()).toBe(2)
      expect(await m.numberOfObjects()).toBe(2)
    }
    expect(await m.numberOfObjects()).toBe(0)
    const failing = async () => {
      await using q = await m.Queue()
      await q.put(1)
      throw new Error("the block failed")
    }
    await expect(failing()).rejects.toThrow("the block failed")
    expect(await m.numberOfObjects()).toBe(0)
  })

  it("releaseProxy runs once; later calls reject with ProxyReleased; await using after it is a no-op", async () => {
    const m = manager()
    await using d = await m.dict({ a: 1 })
    await d.releaseProxy()
    await d.releaseProxy()
    expect(d.isReleased).toBe(true)
    expect(await m.numberOfObjects()).toBe(0)
    await expect(d.getItem("a")).rejects.toBeInstanceOf(ProxyReleased)
  })

  it("a Promise proxy passed as an argument travels as its object: a Condition over a shared Lock", async () => {
    const m = manager()
    await using lock = await m.Lock()
    await using cond = await m.Condition(lock)
    await cond.acquire()
    expect(await lock.locked()).toBe(true)
    expect(await cond.wait(20)).toBe(false)
    await cond.release()
    expect(await lock.locked()).toBe(false)
  })
})

describe("Namespace", () => {
  it("test_namespace: typed attributes, AttributeError", async () => {
    await using ns = await manager().Namespace<{ name: string; age: number }>()
    await ns.set("name", "Bob")
    await ns.set("age", 3)
    const name: string = await ns.get("name")
    const age: number = await ns.get("age")
    expect([name, age]).toEqual(["Bob", 3])
    await ns.delete("age")
    await expect(ns.get("age")).rejects.toBeInstanceOf(AttributeError)
    await expect(ns.delete("age")).rejects.toMatchObject({ _tag: "AttributeError", message: "'Namespace' object has no attribute 'age'" })
  })
})
