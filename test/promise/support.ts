/**
 * One in-process Promise manager per test file, checked after every test:
 * once a test's proxies are released, the manager holds no object.
 */
import { afterAll, afterEach, beforeAll, expect } from "vitest"
import type * as InProcessManager from "../../src/layers/InProcessManager.ts"
import { inProcess, type PromiseManager } from "../../src/promise/index.ts"

/** The file's manager, opened before its tests and closed after them. */
export const sharedManager = (options: InProcessManager.InProcessOptions = {}): (() => PromiseManager) => {
  let manager: PromiseManager | undefined
  beforeAll(async () => {
    manager = await inProcess(options)
  })
  afterEach(async () => {
    expect(await manager!.numberOfObjects()).toBe(0)
  })
  afterAll(async () => {
    await manager?.close()
  })
  return () => manager!
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Whether `promise` is still pending after `ms` milliseconds. */
export const pendingAfter = async (promise: Promise<unknown>, ms: number): Promise<boolean> => {
  const marker = Symbol("pending")
  return (await Promise.race([promise.then(() => undefined, () => undefined), sleep(ms).then(() => marker)])) === marker
}

/** Type-level: true when A is exactly `any`. */
export type IsAny<A> = 0 extends 1 & A ? true : false
/** Type-level: fails to compile unless T is true. */
export const assertType = <T extends true>(_: T) => {}
