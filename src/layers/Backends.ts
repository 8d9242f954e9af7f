/**
 * Backends by name, for the command line and started managers: where a
 * served manager keeps its objects' counts and state (`memory`, this
 * process's memory, the default).
 *
 * @since 0.1.0
 */
import { Data, Effect, type Layer } from "effect"
import type { RefcountStore } from "../services/RefcountStore.ts"
import type { SharedState } from "../services/SharedState.ts"
import * as MemoryBackend from "./memory/MemoryBackend.ts"

/**
 * A backend spec nobody knows.
 *
 * @category errors
 * @since 0.1.0
 */
export class UnknownBackend extends Data.TaggedError("UnknownBackend")<{ readonly spec: string }> {
  override get message(): string {
    return `unknown backend ${JSON.stringify(this.spec)} (known: memory)`
  }
}

/**
 * The backend a spec names.
 *
 * @category constructors
 * @since 0.1.0
 */
export const fromSpec = (spec: string): Effect.Effect<Layer.Layer<RefcountStore | SharedState, unknown>, UnknownBackend> =>
  spec === "memory" ? Effect.succeed(MemoryBackend.layer) : Effect.fail(new UnknownBackend({ spec }))
