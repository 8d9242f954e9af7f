/**
 * The server's table of shared objects: the live referents, which are local
 * by nature (a user's JS object, the calls running on it), over the
 * RefcountStore's counts, which a store several servers share can hold.
 * Every change of references goes through here, so that whatever the store
 * says went is disposed here: its running calls stopped, its `[dispose]`
 * hook run.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { childTokens } from "../../domain/Children.ts"
import { map, toEffect } from "../../domain/Eventually.ts"
import type { ObjectInfo } from "../../domain/ObjectInfo.ts"
import { children, describe, dispose } from "../../domain/Referent.ts"
import type { Token } from "../../domain/Token.ts"
import type { RefcountError, RefcountStoreShape, UnknownObject } from "../../services/RefcountStore.ts"

/**
 * A live object on this server.
 *
 * @category models
 * @since 0.1.0
 */
export interface LocalEntry {
  readonly id: string
  readonly typeid: string
  readonly referent: object
  /** The methods callers may call. */
  readonly exposed: ReadonlySet<string>
  /** Set when the referent held proxies at the last look, so its children are looked at again after a call. */
  mayHoldRefs: boolean
  /** Stops for the calls running on it, run when it is disposed. */
  readonly activeCalls: Set<() => void>
}

class Entry implements LocalEntry {
  readonly id: string
  readonly typeid: string
  readonly referent: object
  readonly exposed: ReadonlySet<string>
  mayHoldRefs = false
  private calls: Set<() => void> | undefined = undefined

  constructor(id: string, typeid: string, referent: object, exposed: ReadonlySet<string>) {
    this.id = id
    this.typeid = typeid
    this.referent = referent
    this.exposed = exposed
  }

  get activeCalls(): Set<() => void> {
    return (this.calls ??= new Set())
  }

  stopCalls(): void {
    if (this.calls === undefined) return
    for (const stop of this.calls) stop()
    this.calls.clear()
  }
}

// The id of a registered referent, on the referent itself (a WeakMap entry costs more); a
// sealed referent's is in its table's WeakMap.
const objectId: unique symbol = Symbol("effect-managers/objectId") as never

const describeReferent = (referent: object) => {
  const hook = (referent as { [describe]?: () => unknown })[describe]
  const cut = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}...` : s)
  try {
    return map(hook !== undefined ? hook.call(referent) : String(referent), (d) => cut(String(d)))
  } catch {
    return `<${referent.constructor?.name ?? "object"}>`
  }
}

/** @category models @since 0.1.0 */
export class Objects {
  private readonly entries = new Map<string, Entry>()
  private readonly idsOfSealed = new WeakMap<object, string>()
  private readonly store: RefcountStoreShape
  private readonly address: string

  constructor(store: RefcountStoreShape, address: string) {
    this.store = store
    this.address = address
  }

  /** The entry for an id, read on every call (synchronous on purpose: it is the hot path). */
  get(id: string): LocalEntry | undefined {
    return this.entries.get(id)
  }

  /** A fresh id, for an object about to be made. */
  newId(): string {
    return this.store.newId()
  }

  /**
   * Registers a referent made for `session` under `id`, with one reference
   * for it. A referent already registered (a factory that hands out a shared
   * object) gets one more reference instead, under its existing id.
   */
  register(id: string, typeid: string, referent: object, exposed: ReadonlySet<string>, session: string): Effect.Effect<LocalEntry> {
    return Effect.suspend(() => {
      const known = this.idOf(referent)
      const existing = known === undefined ? undefined : this.entries.get(known)
      if (existing !== undefined) return Effect.as(Effect.orDie(this.store.incref(existing.id, session)), existing)
      const entry = new Entry(id, typeid, referent, exposed)
      this.entries.set(id, entry)
      this.setId(referent, id)
      return Effect.as(this.store.create(id, typeid, session), entry)
    })
  }

  incref(id: string, session: string): Effect.Effect<void, UnknownObject> {
    return this.store.incref(id, session)
  }

  decref(id: string, session: string): Effect.Effect<void, UnknownObject | RefcountError> {
    return Effect.flatMap(this.store.decref(id, session), (gone) => this.dispose(gone))
  }

  /** Looks again at which shared objects a referent holds, and counts them. */
  updateChildren(id: string): Effect.Effect<void> {
    return Effect.suspend(() => {
      const entry = this.entries.get(id)
      if (entry === undefined) return Effect.void
      const hook = (entry.referent as { [children]?: () => unknown })[children]
      const found = hook !== undefined ? hook.call(entry.referent) as Iterable<Token> : childTokens(entry.referent).values()
      return Effect.flatMap(toEffect(map(found, (tokens) => {
        const ids: Array<string> = []
        for (const t of tokens) if (t.address === this.address) ids.push(t.id)
        return ids
      })), (ids) => {
        entry.mayHoldRefs = ids.length > 0
        return Effect.flatMap(this.store.setChildren(id, ids), (gone) => this.dispose(gone))
      })
    })
  }

  /** Drops every reference a session holds; gives how many. */
  releaseSession(session: string): Effect.Effect<number> {
    return Effect.flatMap(this.store.releaseSession(session), ({ gone, released }) => Effect.as(this.dispose(gone), released))
  }

  objectsHeldBy(session: string): Effect.Effect<number> {
    return this.store.objectsHeldBy(session)
  }

  get numberOfObjects(): Effect.Effect<number> {
    return this.store.numberOfObjects
  }

  /** Every live referent here, for hooks that run across objects (a lease's release). */
  referents(): Array<object> {
    return [...this.entries.values()].map((e) => e.referent)
  }

  get debugInfo(): Effect.Effect<ReadonlyArray<ObjectInfo>> {
    return Effect.flatMap(this.store.counts, (counts) =>
      Effect.forEach(counts, (c) => {
        const entry = this.entries.get(c.id)
        return Effect.map(
          entry === undefined ? Effect.succeed(`<${c.typeid}>`) : Effect.orElseSucceed(toEffect(describeReferent(entry.referent)), () => `<${c.typeid}>`),
          (description): ObjectInfo => ({ ...c, description })
        )
      }))
  }

  /** Disposes everything (the manager is shutting down). */
  get clear(): Effect.Effect<void> {
    return Effect.flatMap(this.store.clear, (ids) => this.dispose(ids))
  }

  private idOf(referent: object): string | undefined {
    return (referent as { [objectId]?: string })[objectId] ?? this.idsOfSealed.get(referent)
  }

  private setId(referent: object, id: string | undefined): void {
    if (Object.isExtensible(referent)) (referent as { [objectId]?: string | undefined })[objectId] = id
    else if (id === undefined) this.idsOfSealed.delete(referent)
    else this.idsOfSealed.set(referent, id)
  }

  private dispose(ids: ReadonlyArray<string>): Effect.Effect<void> {
    if (ids.length === 0) return Effect.void
    return Effect.forEach(ids, (id) => {
      const entry = this.entries.get(id)
      if (entry === undefined) return Effect.void
      this.entries.delete(id)
      this.setId(entry.referent, undefined)
      entry.stopCalls()
      const hook = (entry.referent as { [dispose]?: () => unknown })[dispose]
      if (hook === undefined) return Effect.void
      // A failing dispose hook must not keep the rest of the group alive.
      return Effect.asVoid(Effect.exit(Effect.suspend(() => toEffect(hook.call(entry.referent) as Effect.Effect<unknown> | unknown))))
    }, { discard: true })
  }
}
