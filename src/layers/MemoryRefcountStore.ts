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
import { type Counts, RefcountError, RefcountStore, type RefcountStoreShape, UnknownObject } from "../services/RefcountStore.ts"

// One live object's counts. Most objects are held by one session and hold nothing:
// the maps for more are made only when needed, to keep 100k objects small.
class Slot {
  readonly id: string
  readonly typeid: string
  refcount = 0
  /** The one session holding references, while there is only one. */
  owner: string | undefined = undefined
  ownerRefs = 0
  /** Sessions and their references, once more than one session holds some. */
  sessions: Map<string, number> | undefined = undefined
  parents: Map<string, number> | undefined = undefined
  children: ReadonlySet<string> | undefined = undefined

  constructor(id: string, typeid: string) {
    this.id = id
    this.typeid = typeid
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

const noChildren: ReadonlySet<string> = new Set()

// The holder a name's reference belongs to (never a session's id: sessions are UUIDs).
const nameHolder = (name: string) => `name:${name}`

/** The counts with no Effect around them, for the layer and for tests. @category models @since 0.1.0 */
export class MemoryCounts {
  private readonly slots = new Map<string, Slot>()
  // How many objects each session holds references to.
  private readonly perSession = new Map<string, number>()
  private readonly prefix = randomBytes(3).toString("hex")
  // Names and the objects they hold; a name is a holder, as a session is.
  private readonly names = new Map<string, string>()
  private counter = 0

  get size(): number {
    return this.slots.size
  }

  newId(): string {
    return `${this.prefix}${(++this.counter).toString(16)}`
  }

  typeidOf(id: string): string | undefined {
    return this.slots.get(id)?.typeid
  }

  named(name: string): string | undefined {
    const id = this.names.get(name)
    return id !== undefined && this.slots.has(id) ? id : undefined
  }

  bindName(name: string, id: string): string {
    const bound = this.named(name)
    if (bound !== undefined) return bound
    const slot = this.slots.get(id)
    if (slot === undefined) throw new UnknownObject({ id })
    this.names.set(name, id)
    this.add(slot, nameHolder(name))
    return id
  }

  unbindName(name: string): Array<string> {
    const id = this.names.get(name)
    this.names.delete(name)
    if (id === undefined || !this.slots.has(id)) return []
    return this.decref(id, nameHolder(name))
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

  create(id: string, typeid: string, session: string): void {
    const slot = new Slot(id, typeid)
    this.slots.set(id, slot)
    this.add(slot, session)
  }

  incref(id: string, session: string): void {
    const slot = this.slots.get(id)
    if (slot === undefined) throw new UnknownObject({ id })
    this.add(slot, session)
  }

  decref(id: string, session: string): Array<string> {
    const slot = this.slots.get(id)
    if (slot === undefined) throw new UnknownObject({ id })
    const held = slot.removeSession(session, 1)
    if (held <= 0) throw new RefcountError({ id, holder: session })
    this.counted(session, held, held - 1)
    const gone: Array<string> = []
    this.drop(slot, gone)
    return gone
  }

  setChildren(id: string, childIds: ReadonlyArray<string>): Array<string> {
    const gone: Array<string> = []
    const slot = this.slots.get(id)
    if (slot === undefined) return gone
    // Tokens of objects that are gone, or of other managers, hold nothing here.
    const next = new Set(childIds.filter((c) => this.slots.has(c)))
    const previous = slot.children ?? noChildren
    slot.children = next.size > 0 ? next : undefined
    for (const childId of next) {
      if (previous.has(childId)) continue
      const child = this.slots.get(childId)!
      child.parents ??= new Map()
      child.parents.set(id, (child.parents.get(id) ?? 0) + 1)
      child.refcount++
    }
    for (const childId of previous) {
      if (next.has(childId)) continue
      const child = this.slots.get(childId)
      if (child === undefined) continue
      this.unparent(child, id)
      this.drop(child, gone)
    }
    return gone
  }

  releaseSession(session: string): { released: number; gone: Array<string> } {
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
    const gone: Array<string> = []
    for (const slot of affected) if (this.slots.has(slot.id)) this.drop(slot, gone)
    return { released, gone }
  }

  counts(): Array<Counts> {
    return [...this.slots.values()].map((slot) => ({
      id: slot.id,
      typeid: slot.typeid,
      refcount: slot.refcount,
      sessions: slot.sessionRecord(),
      heldBy: Object.fromEntries(slot.parents ?? [])
    }))
  }

  clear(): Array<string> {
    const ids = [...this.slots.keys()]
    this.slots.clear()
    this.perSession.clear()
    this.names.clear()
    return ids
  }

  private unparent(child: Slot, parentId: string): void {
    const n = child.parents?.get(parentId) ?? 0
    if (n <= 1) child.parents?.delete(parentId)
    else child.parents!.set(parentId, n - 1)
    child.refcount--
  }

  // After a reference went: the object goes if nothing holds it; or look for a
  // group of objects that only hold each other.
  private drop(slot: Slot, gone: Array<string>): void {
    if (slot.refcount <= 0) this.remove([slot], gone)
    else if (!slot.hasSessions()) this.collectCycle(slot, gone)
  }

  private collectCycle(start: Slot, gone: Array<string>): void {
    // The group: everything reachable from `start` through held proxies.
    const group = new Map<string, Slot>()
    const stack = [start]
    while (stack.length > 0) {
      const s = stack.pop()!
      if (group.has(s.id)) continue
      group.set(s.id, s)
      for (const childId of s.children ?? noChildren) {
        const child = this.slots.get(childId)
        if (child !== undefined && !group.has(childId)) stack.push(child)
      }
    }
    // References from outside the group keep a member, and what it holds, alive.
    const internal = new Map<string, number>()
    for (const s of group.values()) {
      for (const childId of s.children ?? noChildren) {
        if (group.has(childId)) internal.set(childId, (internal.get(childId) ?? 0) + 1)
      }
    }
    const live = new Set<string>()
    const mark = (s: Slot) => {
      if (live.has(s.id)) return
      live.add(s.id)
      for (const childId of s.children ?? noChildren) {
        const child = group.get(childId)
        if (child !== undefined) mark(child)
      }
    }
    for (const s of group.values()) if (s.refcount - (internal.get(s.id) ?? 0) > 0) mark(s)
    const garbage = [...group.values()].filter((s) => !live.has(s.id))
    if (garbage.length > 0) this.remove(garbage, gone)
  }

  private remove(garbage: ReadonlyArray<Slot>, gone: Array<string>): void {
    const removed = new Set(garbage.map((s) => s.id))
    for (const s of garbage) {
      this.slots.delete(s.id)
      gone.push(s.id)
    }
    const survivors = new Set<Slot>()
    for (const s of garbage) {
      for (const childId of s.children ?? noChildren) {
        if (removed.has(childId)) continue
        const child = this.slots.get(childId)
        if (child === undefined) continue
        this.unparent(child, s.id)
        survivors.add(child)
      }
      s.children = undefined
    }
    for (const child of survivors) if (this.slots.has(child.id)) this.drop(child, gone)
  }
}

/**
 * A store of its own.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (): RefcountStoreShape => {
  const counts = new MemoryCounts()
  // The store throws its typed errors; as Effects they are failures.
  const attempt = <A>(f: () => A) =>
    Effect.suspend(() => {
      try {
        return Effect.succeed(f())
      } catch (e) {
        return Effect.fail(e as UnknownObject | RefcountError)
      }
    })
  return {
    newId: () => counts.newId(),
    create: (id, typeid, session) => Effect.sync(() => counts.create(id, typeid, session)),
    incref: (id, session) => attempt(() => counts.incref(id, session)) as Effect.Effect<void, UnknownObject>,
    decref: (id, session) => attempt(() => counts.decref(id, session)),
    setChildren: (id, children) => Effect.sync(() => counts.setChildren(id, children)),
    releaseSession: (session) => Effect.sync(() => counts.releaseSession(session)),
    objectsHeldBy: (session) => Effect.sync(() => counts.objectsHeldBy(session)),
    typeidOf: (id) => Effect.sync(() => counts.typeidOf(id)),
    named: (name) => Effect.sync(() => counts.named(name)),
    bindName: (name, id) => Effect.orDie(attempt(() => counts.bindName(name, id))),
    unbindName: (name) => Effect.sync(() => counts.unbindName(name)),
    numberOfObjects: Effect.sync(() => counts.size),
    counts: Effect.sync(() => counts.counts()),
    clear: Effect.sync(() => counts.clear())
  }
}

/**
 * A fresh in-memory store.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer: Layer.Layer<RefcountStore> = Layer.effect(RefcountStore, Effect.sync(make))
