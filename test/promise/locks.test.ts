/**
 * The Promise API's Lock, RLock and Condition, mirroring
 * test/inprocess/locks.test.ts and condition-barrier.test.ts. Calls outside
 * any withLock are the manager's one caller; each outermost withLock body is
 * a caller of its own, so concurrent bodies exclude each other on an RLock
 * and a Condition's wait inside withLock holds the lock it needs.
 */
import { describe, expect, it } from "vitest"
import { RuntimeError, ValueError } from "../../src/index.ts"
import { pendingAfter, sharedManager, sleep } from "./support.ts"

const manager = sharedManager()

describe("Lock and RLock", () => {
  it("test_lock: acquire, non-blocking acquire fails, double release is RuntimeError", async () => {
    await using lock = await manager().Lock()
    expect(await lock.acquire()).toBe(true)
    expect(await lock.acquire({ blocking: false })).toBe(false)
    expect(await lock.locked()).toBe(true)
    expect(await lock.release()).toBeUndefined()
    const error = await lock.release().then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(RuntimeError)
    expect(error).toMatchObject({ _tag: "RuntimeError", message: "release unlocked lock" })
    expect(await lock.locked()).toBe(false)
  })

  it("a timed acquire gives false; blocking with a timeout is a ValueError", async () => {
    await using lock = await manager().Lock()
    await lock.acquire()
    expect(await lock.acquire({ timeout: "30 millis" })).toBe(false)
    await expect(lock.acquire({ blocking: false, timeout: 1000 })).rejects.toBeInstanceOf(ValueError)
    const waiter = lock.acquire()
    await sleep(20)
    await lock.release()
    expect(await waiter).toBe(true)
    await lock.release()
  })

  it("test_lock_context: withLock gives the body's result and releases on resolve and on reject", async () => {
    await using lock = await manager().Lock()
    expect(await lock.withLock(async () => (await lock.locked()) ? "held" : "free")).toBe("held")
    expect(await lock.locked()).toBe(false)
    const boom = new Error("boom")
    await expect(lock.withLock(() => Promise.reject(boom))).rejects.toBe(boom)
    await expect(lock.withLock(() => {
      throw boom
    })).rejects.toBe(boom)
    expect(await lock.locked()).toBe(false)
  })

  it("an aborted acquire leaves the lock free once its holder releases it", async () => {
    await using lock = await manager().Lock()
    await lock.acquire()
    const controller = new AbortController()
    const waiter = lock.with({ signal: controller.signal }).acquire()
    await sleep(20)
    controller.abort()
    await expect(waiter).rejects.toMatchObject({ name: "AbortError" })
    await lock.release()
    await sleep(10)
    expect(await lock.locked()).toBe(false)
    expect(await lock.acquire({ blocking: false })).toBe(true)
    await lock.release()
  })

  it("test_rlock: re-entrant for the manager's caller, released as often as acquired", async () => {
    await using rlock = await manager().RLock()
    for (let i = 0; i < 3; i++) expect(await rlock.acquire()).toBe(true)
    for (let i = 0; i < 3; i++) expect(await rlock.release()).toBeUndefined()
    await expect(rlock.release()).rejects.toMatchObject({ _tag: "RuntimeError", message: "cannot release un-acquired lock" })
  })

  it("concurrent withLock bodies on an RLock exclude each other; a nested withLock re-enters", async () => {
    await using rlock = await manager().RLock()
    const events: Array<string> = []
    const body = (name: string) => async () => {
      events.push(`${name} in`)
      // Re-entrant within one body.
      await rlock.withLock(async () => {
        await sleep(20)
      })
      events.push(`${name} out`)
    }
    await Promise.all([rlock.withLock(body("a")), rlock.withLock(body("b"))])
    expect(events).toHaveLength(4)
    expect(events[0]!.endsWith(" in") && events[1]!.endsWith(" out")).toBe(true)
    expect(events[0]!.split(" ")[0]).toBe(events[1]!.split(" ")[0])
    // Outside every body, the lock is free again.
    expect(await rlock.acquire({ blocking: false })).toBe(true)
    await rlock.release()
  })
})

describe("Condition", () => {
  it("test_notify: a waiter inside withLock is woken by a notify from concurrent code", async () => {
    const m = manager()
    await using cond = await m.Condition()
    await using sleeping = await m.Semaphore(0)
    const waiter = cond.withLock(async () => {
      await sleeping.release()
      return await cond.wait()
    })
    await sleeping.acquire()
    expect(await pendingAfter(waiter, 20)).toBe(true)
    await cond.withLock(() => cond.notify())
    expect(await waiter).toBe(true)
  })

  it("test_timeout and test_wait_result; waiting or notifying without the lock is RuntimeError", async () => {
    await using cond = await manager().Condition()
    expect(await cond.withLock(() => cond.wait("30 millis"))).toBe(false)
    expect(await cond.withLock(() => cond.wait(0))).toBe(false)
    await expect(cond.wait()).rejects.toMatchObject({ _tag: "RuntimeError", message: "cannot wait on un-acquired lock" })
    await expect(cond.notify()).rejects.toBeInstanceOf(RuntimeError)
  })

  it("test_waitfor and test_waitfor_timeout: async predicates over a shared Value", async () => {
    const m = manager()
    await using cond = await m.Condition()
    await using state = await m.Value("i", -1)
    const child = cond.withLock(async () => {
      await state.set(0)
      await cond.notify()
      return await cond.waitFor(async () => (await state.get()) === 4)
    })
    expect(await cond.withLock(() => cond.waitFor(async () => (await state.get()) === 0))).toBe(true)
    for (let i = 0; i < 4; i++) {
      await sleep(5)
      await cond.withLock(async () => {
        await state.set((await state.get()) + 1)
        await cond.notify()
      })
    }
    expect(await child).toBe(true)
    expect(await state.get()).toBe(4)
    expect(await cond.withLock(() => cond.waitFor(async () => (await state.get()) === 5, "50 millis"))).toBe(false)
  })

  it("test_notify_all: every waiter wakes", async () => {
    const m = manager()
    await using cond = await m.Condition()
    await using started = await m.Semaphore(0)
    const waiters = Array.from({ length: 4 }, () =>
      cond.withLock(async () => {
        await started.release()
        return await cond.wait("5 seconds")
      }))
    for (let i = 0; i < 4; i++) await started.acquire()
    await cond.withLock(() => cond.notifyAll())
    expect(await Promise.all(waiters)).toEqual([true, true, true, true])
  })
})
