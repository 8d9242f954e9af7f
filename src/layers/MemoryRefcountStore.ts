/**
 * The RefcountStore in the manager's memory. References are counted per
 * holder (sessions, and objects holding nested proxies); an object goes when
 * its count reaches zero, and a group of objects that only hold each other
 * (a list containing itself) goes when nothing outside the group holds any of
 * them, found by trial deletion over the group alone.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { Effect, Layer } from "effect"
import { childTokens } from "../domain/Children.ts"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import { dispose } from "../domain/Referent.ts"
import { type Entry, RefcountError, RefcountStore, UnknownObject } from "../services/RefcountStore.ts"

// One live object. Most objects are held by one session and hold nothing:
// the maps for more are made only when needed, to keep 100k objects small.
class Slot implements Entry {
  readonly id: string
  readonly typeid: string
  readonly referent: object
  readonly exposed: ReadonlySet<string>
  refcount = 0
  mayHoldRefs = false
  /** The one session holding references, while there is only one. */
  owner: string | undefined = undefined
  ownerRefs = 0
  /** Sessions and their references, once more than one session holds some. */
  sessions: Map<string, number> | undefined = undefined
  parents: Map<string, number> | undefined = undefined
  children: ReadonlyMap<string, number> | undefined = undefined
  calls: Set<() => void> | undefined = undefined

  constructor(id: string, typeid: string, referent: object, exposed: ReadonlySet<string>) {
    this.id = id
    this.typeid = typeid
    this.referent = referent
    this.exposed = exposed
  }

  get activeCalls(): Set<() => void> {
    return (this.calls ??= new Set())
  }

  heldBy(session: string): number {
    return this.sessions !== undefined ? (this.sessions.get(session) ?? 0) : this.owner === session ? this.ownerRefs : 0
  }

  hasSessions(): boolean {
    return this.sessions !== undefined ? this.sessions.size > 0 : this.ownerRefs > 0
  }

  addSession(session: string, n = 1): void {
    this.refcount += n
    if (this.sessions === undefined) {
      if (this.owner === undefined || this.owner === session) {
        this.owner = session
        this.ownerRefs += n
        return
      }
      this.sessions = new Map([[this.owner, this.ownerRefs]])
      this.owner = undefined
      this.ownerRefs = 0
    }
    this.sessions.set(session, (this.sessions.get(session) ?? 0) + n)
  }

  /** Takes away up to `n` of a session's references; gives how many it held. */
  removeSession(session: string, n: number): number {
    const held = this.heldBy(session)
    const taken = Math.min(held, n)
    if (taken === 0) return held
    this.refcount -= taken
    if (this.sessions !== undefined) {
      if (held === taken) this.sessions.delete(session)
      else this.sessions.set(session, held - taken)
    } else {
      this.ownerRefs -= taken
      if (this.ownerRefs === 0) this.owner = undefined
    }
    return held
  }

  sessionRecord(): Record<string, number> {
    if (this.sessions !== undefined) return Object.fromEntries(this.sessions)
    return this.owner === undefined ? {} : { [this.owner]: this.ownerRefs }
  }
}

// The id of a registered referent, on the referent itself (a WeakMap entry costs more).
const slotId: unique symbol = Symbol("effect-managers/slotId") as never
const idsOfSealed = new WeakMap<object, string>()
const idOf = (referent: object): string | undefined =>
  (referent as { [slotId]?: string })[slotId] ?? idsOfSealed.get(referent)
const setId = (referent: object, id: string | undefined): void => {
  if (Object.isExtensible(referent)) (referent as { [slotId]?: string | undefined })[slotId] = id
  else if (id === undefined) idsOfSealed.delete(referent)
  else idsOfSealed.set(referent, id)
}

const noChildren: ReadonlyMap<string, number> = new Map()

const describe = (referent: object): string => {
  let s: string
  try {
    s = String(referent)
  } catch {
    s = `<${referent.constructor?.name ?? "object"}>`
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s
}

/** A store with no Effect around it, for the layer and for tests. @category models @since 0.1.0 */
export class MemoryStore {
  private readonly slots = new Map<string, Slot>()
  // How many objects each session holds references to.
  private readonly perSession = new Map<string, number>()
  private readonly prefix = randomBytes(3).toString("hex")
  private counter = 0

  get size(): number {
    return this.slots.size
  }

  get(id: string): Slot | undefined {
    return this.slots.get(id)
  }

  objectsHeldBy(session: string): number {
    return this.perSession.get(session) ?? 0
  }

  private counted(session: string, before: number, after: number): void {
    if ((before === 0) === (after === 0)) return
    const n = (this.perSession.get(session) ?? 0) + (after === 0 ? -1 : 1)
    if (n <= 0) this.perSession.delete(session)
    else this.perSession.set(session, n)
  }

  private add(slot: Slot, session: string): void {
    const before = slot.heldBy(session)
    slot.addSession(session)
    this.counted(session, before, before + 1)
  }

  create(typeid: string, referent: object, exposed: ReadonlySet<string>, session: string): Slot {
    const known = idOf(referent)
    const existing = known === undefined ? undefined : this.slots.get(known)
    if (existing !== undefined) {
      this.add(existing, session)
      return existing
    }
    const slot = new Slot(`${this.prefix}${(++this.counter).toString(16)}`, typeid, referent, exposed)
    this.slots.set(slot.id, slot)
    setId(referent, slot.id)
    this.add(slot, session)
    return slot
  }

  incref(id: string, session: string): void {
    const slot = this.slots.get(id)
    if (slot === undefined) throw new UnknownObject({ id })
    this.add(slot, session)
  }

  decref(id: string, session: string): void {
    const slot = this.slots.get(id)
    if (slot === undefined) throw new UnknownObject({ id })
    const held = slot.removeSession(session, 1)
    if (held <= 0) throw new RefcountError({ id, holder: session })
    this.counted(session, held, held - 1)
    this.drop(slot)
  }

  updateChildren(id: string): void {
    const slot = this.slots.get(id)
    if (slot === undefined) return
    const next = new Map<string, number>()
    for (const childId of childTokens(slot.referent).keys()) {
      // Tokens of objects that are gone, or of other managers, hold nothing here.
      if (this.slots.has(childId)) next.set(childId, 1)
    }
    const previous = slot.children ?? noChildren
    slot.children = next.size > 0 ? next : undefined
    slot.mayHoldRefs = next.size > 0
    for (const childId of next.keys()) {
      if (previous.has(childId)) continue
      const child = this.slots.get(childId)!
      child.parents ??= new Map()
      child.parents.set(id, (child.parents.get(id) ?? 0) + 1)
      child.refcount++
    }
    for (const childId of previous.keys()) {
      if (next.has(childId)) continue
      const child = this.slots.get(childId)
      if (child === undefined) continue
      this.unparent(child, id)
      this.drop(child)
    }
  }

  releaseSession(session: string): number {
    let released = 0
    const affected: Array<Slot> = []
    for (const slot of this.slots.values()) {
      const held = slot.heldBy(session)
      if (held === 0) continue
      slot.removeSession(session, held)
      released += held
      affected.push(slot)
    }
    this.perSession.delete(session)
    for (const slot of affected) if (this.slots.has(slot.id)) this.drop(slot)
    return released
  }

  info(): Array<ObjectInfo> {
    return [...this.slots.values()].map((slot) => ({
      id: slot.id,
      typeid: slot.typeid,
      refcount: slot.refcount,
      description: describe(slot.referent),
      sessions: slot.sessionRecord(),
      heldBy: Object.fromEntries(slot.parents ?? [])
    }))
  }

  referents(): Array<object> {
    return [...this.slots.values()].map((slot) => slot.referent)
  }

  clear(): void {
    const all = [...this.slots.values()]
    this.slots.clear()
    this.perSession.clear()
    for (const slot of all) this.disposeSlot(slot)
  }

  private unparent(child: Slot, parentId: string): void {
    const n = child.parents?.get(parentId) ?? 0
    if (n <= 1) child.parents?.delete(parentId)
    else child.parents!.set(parentId, n - 1)
    child.refcount--
  }

  // After a reference went: dispose the object if nothing holds it, or look
  // for a group of objects that only hold each other.
  private drop(slot: Slot): void {
    if (slot.refcount <= 0) this.remove([slot])
    else if (!slot.hasSessions()) this.collectCycle(slot)
  }

  private collectCycle(start: Slot): void {
    // The group: everything reachable from `start` through held proxies.
    const group = new Map<string, Slot>()
    const stack = [start]
    while (stack.length > 0) {
      const s = stack.pop()!
      if (group.has(s.id)) continue
      group.set(s.id, s)
      for (const childId of (s.children ?? noChildren).keys()) {
        const child = this.slots.get(childId)
        if (child !== undefined && !group.has(childId)) stack.push(child)
      }
    }
    // References from outside the group keep a member, and what it holds, alive.
    const internal = new Map<string, number>()
    for (const s of group.values()) {
      for (const [childId, n] of s.children ?? noChildren) {
        if (group.has(childId)) internal.set(childId, (internal.get(childId) ?? 0) + n)
      }
    }
    const live = new Set<string>()
    const mark = (s: Slot) => {
      if (live.has(s.id)) return
      live.add(s.id)
      for (const childId of (s.children ?? noChildren).keys()) {
        const child = group.get(childId)
        if (child !== undefined) mark(child)
      }
    }
    for (const s of group.values()) if (s.refcount - (internal.get(s.id) ?? 0) > 0) mark(s)
    const garbage = [...group.values()].filter((s) => !live.has(s.id))
    if (garbage.length > 0) this.remove(garbage)
  }

  private remove(garbage: ReadonlyArray<Slot>): void {
    const gone = new Set(garbage.map((s) => s.id))
    for (const s of garbage) this.slots.delete(s.id)
    const survivors = new Set<Slot>()
    for (const s of garbage) {
      for (const childId of (s.children ?? noChildren).keys()) {
        if (gone.has(childId)) continue
        const child = this.slots.get(childId)
        if (child === undefined) continue
        this.unparent(child, s.id)
        survivors.add(child)
      }
      s.children = undefined
    }
    for (const s of garbage) this.disposeSlot(s)
    for (const child of survivors) if (this.slots.has(child.id)) this.drop(child)
  }

  private disposeSlot(slot: Slot): void {
    setId(slot.referent, undefined)
    if (slot.calls !== undefined) {
      for (const interrupt of slot.calls) interrupt()
      slot.calls.clear()
    }
    try {
      ;(slot.referent as { [dispose]?: () => void })[dispose]?.()
    } catch {
      // A failing dispose hook must not keep the rest of the group alive.
    }
  }
}

const make = Effect.sync(() => {
  const store = new MemoryStore()
  return RefcountStore.of({
    getUnsafe: (id) => store.get(id),
    objectsHeldBy: (session) => store.objectsHeldBy(session),
    create: (typeid, referent, exposed, session) => Effect.sync(() => store.create(typeid, referent, exposed, session)),
    incref: (id, session) =>
      Effect.suspend(() => {
        try {
          store.incref(id, session)
          return Effect.void
        } catch (e) {
          return Effect.fail(e as UnknownObject)
        }
      }),
    decref: (id, session) =>
      Effect.suspend(() => {
        try {
          store.decref(id, session)
          return Effect.void
        } catch (e) {
          return Effect.fail(e as UnknownObject | RefcountError)
        }
      }),
    updateChildren: (id) => Effect.sync(() => store.updateChildren(id)),
    releaseSession: (session) => Effect.sync(() => store.releaseSession(session)),
    numberOfObjects: Effect.sync(() => store.size),
    debugInfo: Effect.sync(() => store.info()),
    referents: Effect.sync(() => store.referents()),
    clear: Effect.sync(() => store.clear())
  })
})

/**
 * A fresh in-memory store.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<RefcountStore> = Layer.effect(RefcountStore, make)
