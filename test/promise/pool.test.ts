/**
 * The Promise API's Pool: the same methods, typed from the task module,
 * rejecting with the same errors; a Promise proxy's method is a callback;
 * an aborted get stops only the wait.
 */
import { describe, expect, it } from "vitest"
import { TimeoutError, WorkerCrashed } from "../../src/index.ts"
import type { Rejection } from "../../src/promise/index.ts"
import { type Tasks, tasksModule } from "../pool/support.ts"
import { assertType, type IsAny, sharedManager } from "./support.ts"

const manager = sharedManager()

describe("Pool", () => {
  it("apply, map, starmap and imap, typed from the module; a task's error and a crashed worker as rejections", async () => {
    await using pool = await manager().Pool<Tasks>(2, { module: tasksModule })
    const squared: number = await pool.apply("sqr", [5])
    expect(squared).toBe(25)
    expect(await pool.map("sqr", [1, 2, 3], { chunksize: 2 })).toEqual([1, 4, 9])
    expect(await pool.starmap("mul", [[2, 3], [4, 5]])).toEqual([6, 20])
    await using it = await pool.imap("sqr", [4, 5])
    expect([await it.next(), await it.next()]).toEqual([16, 25])
    await expect(it.next()).rejects.toMatchObject({ _tag: "StopIteration" })
    const apply = pool.apply("withdraw", [1, 5])
    assertType<IsAny<Rejection<typeof apply>> extends false ? true : false>(true)
    await expect(apply).rejects.toMatchObject({ _tag: "Overdrawn", balance: 1 })
    await expect(pool.apply("exit", [2])).rejects.toBeInstanceOf(WorkerCrashed)
    expect(await pool.apply("sqr", [6])).toBe(36)
  })

  it("applyAsync: get with a timeout rejects with TimeoutError; an aborted get stops waiting and the result stays", async () => {
    await using pool = await manager().Pool<Tasks>(1, { module: tasksModule })
    await using result = await pool.applyAsync("sqr", [7, 0.3])
    await expect(result.get({ timeout: "50 millis" })).rejects.toBeInstanceOf(TimeoutError)
    const controller = new AbortController()
    const waiting = result.with({ signal: controller.signal }).get()
    controller.abort(new Error("stop waiting"))
    await expect(waiting).rejects.toThrow("stop waiting")
    expect(await result.get()).toBe(49)
    expect(await result.successful()).toBe(true)
  })

  it("a Promise proxy's method is a callback, run on the server before the result is ready", async () => {
    await using pool = await manager().Pool<Tasks>(2, { module: tasksModule })
    await using results = await manager().list<unknown>()
    await using mapped = await pool.mapAsync("sqr", [1, 2, 3], { callback: [results, "append"] })
    await mapped.wait()
    expect(await results.toArray()).toEqual([[1, 4, 9]])
    await pool.terminate()
    await pool.join()
  })
})
