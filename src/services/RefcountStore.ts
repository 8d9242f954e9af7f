/**
 * The shared objects a manager holds, and who holds references to them.
 * Every reference belongs to a holder: a session (a client), or another
 * shared object that contains a proxy to it. An object is disposed when its
 * last reference goes, including objects that only keep each other alive (a
 * list that contains itself).
 *
 * Layers: `MemoryRefcountStore`. A Redis-backed store is the next one.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Context, Data } from "effect"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"

/**
 * A live object and its references.
 *
 * @category models
 * @since 0.1.0
 */
export interface Entry {
  readonly id: string
  readonly typeid: string
  readonly referent: object
  /** The methods callers may call. */
  readonly exposed: ReadonlySet<string>
  /** Total references: sessions plus containing objects. */
  readonly refcount: number
  /** Set when the referent may hold proxies, so its children are rescanned after a call. */
  mayHoldRefs: boolean
  /** Interrupts for the calls running on it, run when it is disposed. */
  readonly activeCalls: Set<() => void>
}

/**
 * An object id that is not live on this manager.
 *
 * @category errors
 * @since 0.1.0
 */
export class UnknownObject extends Data.TaggedError("UnknownObject")<{ readonly id: string }> {
  override get message(): string {
    return `KeyError: ${JSON.stringify(this.id)} is not a live object of this manager`
  }
}

/**
 * A decref for a reference its holder does not have (a double release).
 *
 * @category errors
 * @since 0.1.0
 */
export class RefcountError extends Data.TaggedError("RefcountError")<{
  readonly id: string
  readonly holder: string
}> {
  override get message(): string {
    return `AssertionError: ${this.holder} holds no reference to object ${JSON.stringify(this.id)}`
  }
}

/** The RefcountStore service: the shared objects a manager holds, and who holds references to them. @category services @since 0.1.0 */
export class RefcountStore extends Context.Service<RefcountStore, {
  /** The entry for an id, read on every call (synchronous on purpose: it is the hot path). */
  readonly getUnsafe: (id: string) => Entry | undefined
  /**
   * Registers a referent with one reference held by `session`. A referent
   * already registered (a factory that hands out a shared object) gets one
   * more reference instead, under its existing id.
   */
  readonly create: (
    typeid: string,
    referent: object,
    exposed: ReadonlySet<string>,
    session: string
  ) => Effect.Effect<Entry>
  readonly incref: (id: string, session: string) => Effect.Effect<void, UnknownObject>
  readonly decref: (id: string, session: string) => Effect.Effect<void, UnknownObject | RefcountError>
  /** How many objects a session holds references to (for the per-session limit; synchronous on purpose). */
  readonly objectsHeldBy: (session: string) => number
  /** Re-reads which shared objects a referent holds and adjusts their references. */
  readonly updateChildren: (id: string) => Effect.Effect<void>
  /** Releases every reference a session holds; returns how many. */
  readonly releaseSession: (session: string) => Effect.Effect<number>
  readonly numberOfObjects: Effect.Effect<number>
  readonly debugInfo: Effect.Effect<ReadonlyArray<ObjectInfo>>
  /** Every live referent, for hooks that run across objects (lease release). */
  readonly referents: Effect.Effect<ReadonlyArray<object>>
  /** Disposes everything (the manager is shutting down). */
  readonly clear: Effect.Effect<void>
}>()("effect-managers/RefcountStore") {}
