/**
 * Test harness for in-process managers: every test body runs in its own
 * scope, and once that scope has closed the manager must hold no object.
 */
import { expect, layer, type Vitest } from "@effect/vitest"
import { Effect, type Layer, type Scope } from "effect"
import * as InProcessManager from "../../src/layers/InProcessManager.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import type { RefcountStore } from "../../src/services/RefcountStore.ts"
import type { SharedState } from "../../src/services/SharedState.ts"
import type { CallError } from "../../src/domain/ManagerErrors.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import type { BaseManager } from "../../src/services/BaseManager.ts"
import type { Server } from "../../src/services/Server.ts"

/** A manager in this process, for `layer(...)`, with the live clock (timeouts are real). */
export const managerLayer = <E = never>(options: InProcessManager.InProcessOptions<E> = {}) => InProcessManager.layer(options)

/** Where a manager keeps its objects' counts and state: what the type suites run against. */
export interface Backend {
  readonly name: string
  readonly layer: Layer.Layer<RefcountStore | SharedState, unknown>
  /** What `serve --backend` (and a started manager's `backend`) calls it. */
  readonly spec: string
}

/** Every backend the SyncManager type suites run against. */
export const backends: ReadonlyArray<Backend> = [{ name: "memory", layer: MemoryBackend.layer, spec: "memory" }]

/**
 * A suite run once for each backend, against an in-process manager over it
 * (`options` are the manager's; the backend is the suite's).
 */
export const eachBackend = (
  name: string,
  options: Omit<InProcessManager.InProcessOptions, "backend">,
  body: (it: Vitest.MethodsNonLive<Manager | BaseManager | Server>) => void
): void => {
  for (const backend of backends) {
    layer(InProcessManager.layer({ ...options, backend: backend.layer }), { excludeTestServices: true })(`${name} [${backend.name}]`, body)
  }
}

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
