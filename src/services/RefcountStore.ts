/**
 * Who holds references to the shared objects a manager serves. Every
 * reference belongs to a holder: a session (a client), or another shared
 * object that contains a proxy to it. An object goes when its last reference
 * goes, including objects that only keep each other alive (a list that
 * contains itself); the store says which went, and the server disposes them.
 *
 * The store counts; it holds no referent. What is local by nature (the live
 * JS referents of user-registered types, the calls running on them) is the
 * server's own (`layers/server/Objects`), so counts, sessions and leases can
 * live in a store several servers share.
 *
 * Layers: `MemoryRefcountStore`.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Context, Data } from "effect"

/**
 * What the store knows of one object.
 *
 * @category models
 * @since 0.1.0
 */
export interface Counts {
  readonly id: string
  readonly typeid: string
  /** Total references: sessions plus containing objects. */
  readonly refcount: number
  /** The sessions holding references, with how many each holds. */
  readonly sessions: Readonly<Record<string, number>>
  /** The objects holding this one (nested proxies), with how many references each holds. */
  readonly heldBy: Readonly<Record<string, number>>
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

/**
 * The store's operations. Each one that takes a reference away gives the ids
 * of the objects that went with it, for the server to dispose.
 *
 * @category models
 * @since 0.1.0
 */
export interface RefcountStoreShape {
  /** A fresh object id, unique among every server that shares this store. */
  readonly newId: () => string
  /** Registers object `id` of `typeid` with one reference, held by `session`. */
  readonly create: (id: string, typeid: string, session: string) => Effect.Effect<void>
  readonly incref: (id: string, session: string) => Effect.Effect<void, UnknownObject>
  readonly decref: (id: string, session: string) => Effect.Effect<ReadonlyArray<string>, UnknownObject | RefcountError>
  /** What object `id` holds now (the live objects among them count); gives the ids that went. */
  readonly setChildren: (id: string, children: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<string>>
  /** Drops every reference `session` holds; gives how many, and the ids that went. */
  readonly releaseSession: (session: string) => Effect.Effect<{ readonly released: number; readonly gone: ReadonlyArray<string> }>
  /** How many objects `session` holds references to (for the per-session limit). */
  readonly objectsHeldBy: (session: string) => Effect.Effect<number>
  readonly typeidOf: (id: string) => Effect.Effect<string | undefined>
  /** The live object a name is bound to, if any (named objects: get-or-create by name). */
  readonly named: (name: string) => Effect.Effect<string | undefined>
  /**
   * Binds `name` to the live object `id` unless the name is bound to a live
   * object already; gives the id it is bound to. A bound name holds one
   * reference to its object, so the object lives while the name does.
   */
  readonly bindName: (name: string, id: string) => Effect.Effect<string>
  /** Unbinds `name`, dropping its reference; gives the ids that went. */
  readonly unbindName: (name: string) => Effect.Effect<ReadonlyArray<string>>
  readonly numberOfObjects: Effect.Effect<number>
  readonly counts: Effect.Effect<ReadonlyArray<Counts>>
  /** Forgets every object (the manager is shutting down); gives their ids. */
  readonly clear: Effect.Effect<ReadonlyArray<string>>
}

/**
 * The references to a manager's shared objects: counted here, in memory, or in
 * a store several servers share.
 *
 * @category services
 * @since 0.1.0
 */
export class RefcountStore extends Context.Service<RefcountStore, RefcountStoreShape>()("effect-managers/RefcountStore") {}
