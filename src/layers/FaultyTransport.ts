/**
 * An in-memory medium that misbehaves on purpose, for testing what a
 * manager and its clients do when the network does: connections cut in the
 * middle of a frame, frames delivered in pieces, deliveries delayed (so that
 * they interleave differently across connections), and connections that go
 * silent without closing (half-open). It reaches the `memory:` listeners of
 * the {@link MemoryNetwork} in the context, so a faulty client meets a
 * server listening through the plain in-memory medium on the same network.
 *
 * @example
 * ```ts
 * import { FaultyTransport } from "effect-managers"
 *
 * // Every connection is cut after 100 bytes towards the server. The layer needs the
 * // MemoryNetwork that the server listens on (see MemoryNetwork's example).
 * const cut = FaultyTransport.layer((_n, direction) => direction === "toServer" ? { cutAfterBytes: 100 } : {})
 * ```
 * @since 0.1.0
 */
import type { Effect, Layer } from "effect"
import { type Medium, Transport } from "../services/Transport.ts"
import type { MemoryNetwork } from "./MemoryNetwork.ts"
import { type Faults, make } from "./MemoryTransport.ts"

export type { Faults, PipeFaults } from "./MemoryTransport.ts"

/**
 * The faulty medium, for `Transport.layer(...)`.
 *
 * @category constructors
 * @since 0.1.0
 */
export const medium = (faults: Faults): Effect.Effect<Medium, never, MemoryNetwork> => make(faults)

/**
 * A Transport of `memory:` addresses whose connections suffer `faults`, on
 * the network in the context.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (faults: Faults): Layer.Layer<Transport, never, MemoryNetwork> => Transport.layer(medium(faults))
