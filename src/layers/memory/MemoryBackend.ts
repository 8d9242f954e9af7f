/**
 * The memory backend: a manager's counts and its shared objects' state in
 * its own process, what one manager server needs (and what CPython's
 * managers do). A Redis backend provides the same two services from Redis.
 *
 * @since 0.1.0
 */
import { Layer } from "effect"
import type { RefcountStore } from "../../services/RefcountStore.ts"
import type { SharedState } from "../../services/SharedState.ts"
import * as MemoryRefcountStore from "../MemoryRefcountStore.ts"
import * as MemorySharedState from "./MemorySharedState.ts"

/**
 * Counts and state in this process's memory.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<RefcountStore | SharedState> = Layer.merge(MemoryRefcountStore.layer, MemorySharedState.layer)
