/**
 * The Promise API's Queue, mirroring test/inprocess/queue.test.ts and the
 * interruption tests of lifecycle.test.ts: an AbortSignal or a timeout
 * cancels a waiting get on the server, so it takes no item.
 */
import { describe, expect, it } from "vitest"
import { CallTimeout, QueueEmpty, QueueFull, ValueError } from "../../src/index.ts"
import { pendingAfter, sharedManager, sleep } from "./support.ts"

const manager = sharedManager()

describe("Queue", () => {
  it("test_put and test_get: maxsize, blocking and timed calls, QueueFull and QueueEmpty as rejections", async () => {
    await using q = await manager().Queue<number>({ maxsize: 3 })
    expect([await q.empty(), await q.full()]).toEqual([true, false])
    await q.put(1)
    await q.put(2, { block: true, timeout: null })
    await q.putNowait(3)
    expect([await q.empty(), await q.full()]).toEqual([false, true])
    for (const put of [q.put(4, { block: false }), q.putNowait(4), q.put(4, { timeout: "50 millis" })]) {
      await expect(put).rejects.toBeInstanceOf(QueueFull)
    }
    expect([await q.get(), await q.get({ timeout: "1 second" }), await q.getNowait()]).toEqual([1, 2, 3])
    for (const get of [q.get({ block: false }), q.getNowait(), q.get({ timeout: 50 })]) {
      await expect(get).rejects.toMatchObject({ _tag: "QueueEmpty" })
    }
    await expect(q.getNowait()).rejects.toBeInstanceOf(QueueEmpty)
  })

  it("a get waits for a put made by concurrent code on the same manager", async () => {
    await using q = await manager().Queue<string>()
    const got = q.get()
    expect(await pendingAfter(got, 20)).toBe(true)
    await q.put("hello")
    expect(await got).toBe("hello")
  })

  it("an aborted get rejects with the signal's reason and takes no item", async () => {
    await using q = await manager().Queue<number>()
    const controller = new AbortController()
    const get = q.with({ signal: controller.signal }).get()
    await sleep(20)
    controller.abort()
    const reason = await get.then(() => undefined, (e: unknown) => e)
    expect(reason).toBe(controller.signal.reason)
    expect(reason).toMatchObject({ name: "AbortError" })
    await q.put(1)
    expect(await q.qsize()).toBe(1)
    expect(await q.get()).toBe(1)
  })

  it("an abort reason of the caller's is the rejection; a signal aborted before the call sends nothing", async () => {
    await using q = await manager().Queue<number>()
    const controller = new AbortController()
    const get = q.with({ signal: controller.signal }).get()
    await sleep(10)
    const reason = new Error("the user gave up")
    controller.abort(reason)
    await expect(get).rejects.toBe(reason)
    const aborted = AbortSignal.abort()
    await expect(q.with({ signal: aborted }).put(5)).rejects.toBe(aborted.reason)
    expect(await q.qsize()).toBe(0)
    await q.put(2)
    expect(await q.getNowait()).toBe(2)
  })

  it("a timed-out get rejects with CallTimeout and takes no item", async () => {
    await using q = await manager().Queue<number>()
    const error = await q.with({ timeout: "30 millis" }).get().then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(CallTimeout)
    expect(error).toMatchObject({ _tag: "CallTimeout", method: "get", millis: 30 })
    await q.put(3)
    expect(await q.qsize()).toBe(1)
    expect(await q.get()).toBe(3)
    // A call that finishes in time is unaffected by its timeout.
    await q.put(4)
    expect(await q.with({ timeout: "1 second" }).get()).toBe(4)
  })

  it("test_task_done: four async workers, join resolves once every item is done", async () => {
    const m = manager()
    await using q = await m.JoinableQueue<number | null>()
    await using done = await m.list<number>()
    const worker = async () => {
      while (true) {
        const item = await q.get()
        if (item === null) return
        await sleep(2)
        await done.append(item)
        await q.taskDone()
      }
    }
    const workers = Array.from({ length: 4 }, worker)
    for (let i = 0; i < 10; i++) await q.put(i)
    await q.join()
    expect((await done.toArray()).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i))
    for (let i = 0; i < 4; i++) await q.put(null)
    await Promise.all(workers)
    for (let i = 0; i < 4; i++) await q.taskDone()
    await expect(q.taskDone()).rejects.toBeInstanceOf(ValueError)
  })

  it("many calls in flight on one manager: fifty waiting gets, then fifty puts", async () => {
    await using q = await manager().Queue<number>()
    const getters = Array.from({ length: 50 }, () => q.get())
    await sleep(20)
    for (let i = 0; i < 50; i++) await q.put(i)
    expect((await Promise.all(getters)).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i))
  })
})
