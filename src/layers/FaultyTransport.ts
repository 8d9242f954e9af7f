/**
 * An in-memory Transport that misbehaves on purpose, for testing what a
 * manager and its clients do when the network does: connections cut in the
 * middle of a frame, frames delivered in pieces, deliveries delayed (so that
 * they interleave differently across connections), and connections that go
 * silent without closing (half-open). It reaches the same `memory:`
 * listeners as the in-memory transport.
 *
 * @example
 * ```ts
 * import { FaultyTransport } from "effect-managers"
 * // every connection is cut after 100 bytes towards the server
 * const cut = FaultyTransport.layer((_n, direction) => direction === "toServer" ? { cutAfterBytes: 100 } : {})
 * ```
 * @since 0.1.0
 */
import { Layer } from "effect"
import { Transport } from "../services/Transport.ts"
import { type Faults, make } from "./MemoryTransport.ts"

export type { Faults, PipeFaults } from "./MemoryTransport.ts"

/** A memory Transport that injects `faults` into its connections. @category layers @since 0.1.0 */
export const layer = (faults: Faults): Layer.Layer<Transport> => Layer.effect(Transport, make(faults))
