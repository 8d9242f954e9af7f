/**
 * Test harness for in-process managers: every test body runs in its own
 * scope, and once that scope has closed the manager must hold no object.
 */
import { expect } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import type { CallError } from "../../src/domain/ManagerErrors.ts"
import { Manager } from "../../src/proxy/Manager.ts"

/** A manager in this process, for `layer(...)`, with the live clock (timeouts are real). */
export const managerLayer = (options: InProcessManager.InProcessOptions = {}) => InProcessManager.layer(options)

/** Runs `body` in its own scope, then checks the manager holds nothing. */
export const clean = <A, E, R>(
  body: Effect.Effect<A, E, R | Scope.Scope>
): Effect.Effect<A, E | CallError, Exclude<R, Scope.Scope> | Manager> =>
  Effect.gen(function*() {
    const result = yield* Effect.scoped(body)
    const manager = yield* Manager
    expect(yield* manager.numberOfObjects).toBe(0)
    return result
  })
