/**
 * Which types a manager can create, and how: Python's `BaseManager.register`
 * as data. Each {@link TypeDef} names a typeid, how the server creates its
 * referent, which methods it exposes, which methods return new shared objects
 * (method_to_typeid), and how a client builds its proxy. The same TypeDef
 * serves both sides: the server reads `create` and `exposed`, the client
 * reads `makeProxy`, and TypeScript reads the proxy's type from it.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import { Context, Layer } from "effect"
import { publicMethods } from "../domain/Referent.ts"
import type { ErrorClass } from "../protocol/WireErrors.ts"
import type { ProxyCore } from "../domain/ProxyCore.ts"

/**
 * A registered type.
 *
 * @category models
 * @since 0.1.0
 */
export interface TypeDef<Id extends string = string, Args extends ReadonlyArray<any> = ReadonlyArray<any>, P = unknown> {
  readonly typeid: Id
  /**
   * Creates the referent, on the server. It may return the referent, a
   * Promise of it or an Effect of it; returning an object that is already
   * shared hands out that object (CPython's `register('get_queue', callable=...)`).
   * Absent on a client-side registration.
   */
  readonly create?: ((...args: Args) => unknown) | undefined
  /** Whether proxies among `create`'s arguments arrive as their referents (a Condition's lock). */
  readonly resolveArguments?: boolean | undefined
  /** Names of `create`'s parameters, so CPython peers can pass them by keyword (`"**"` takes the rest as a record). */
  readonly parameters?: ReadonlyArray<string> | undefined
  /** The methods proxies may call (default: the referent's public methods). */
  readonly exposed?: ReadonlyArray<string> | undefined
  /** Methods whose result becomes a new shared object of the given typeid, returned as a proxy. */
  readonly methodToTypeid?: Readonly<Record<string, string>> | undefined
  /** Parameter names of methods, for keyword arguments. */
  readonly methodParameters?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
  /**
   * How a call that completed after its caller gave up is undone: method →
   * the referent's compensating method, called with the late result and the
   * call's own arguments (and the caller, when it is a `withCaller` method),
   * which answers `"undone"` or `"irreversible"`; `null` when the method
   * cannot be undone (a Barrier party that passed). Methods not named here
   * have nothing to undo (reads), or their effect stands.
   */
  readonly undo?: Readonly<Record<string, string | null>> | undefined
  /** The CPython proxy class a CPython peer rebuilds it with (default `AutoProxy`). */
  readonly pythonProxy?: string | undefined
  /** Whether the manager offers a create method for it (default true). */
  readonly createMethod?: boolean | undefined
  /**
   * The tagged error classes its methods fail with: a client that knows the
   * type rebuilds them as instances of these classes (`instanceof` works),
   * where otherwise they arrive as errors that carry only the same tag.
   */
  readonly errors?: ReadonlyArray<ErrorClass> | undefined
  /** Builds the client's proxy (default: an AutoProxy over the exposed methods). */
  readonly makeProxy?: ((core: ProxyCore) => P) | undefined
}

/** The proxy type of a TypeDef. @category type-level @since 0.1.0 */
export type ProxyOf<D> = D extends TypeDef<any, any, infer P> ? P : never
/** The create arguments of a TypeDef. @category type-level @since 0.1.0 */
export type ArgsOf<D> = D extends TypeDef<any, infer A, any> ? A : never

/**
 * Where the exposed sets a registry has worked out are kept: the same set
 * for every object of a TypeDef with a declared list, or of a class.
 *
 * @category models
 * @since 0.1.0
 */
export interface ExposedCache {
  readonly byDef: WeakMap<TypeDef, ReadonlySet<string>>
  readonly byClass: WeakMap<object, ReadonlySet<string>>
}

/**
 * The methods a referent exposes under a TypeDef: the declared list, or its
 * public methods, plus the methods of method_to_typeid (as CPython adds them).
 *
 * @category utils
 * @since 0.1.0
 */
export const exposedOf = (
  def: TypeDef,
  referent: object,
  cache: ExposedCache = { byDef: new WeakMap(), byClass: new WeakMap() }
): ReadonlySet<string> => {
  if (def.exposed !== undefined) {
    let set = cache.byDef.get(def)
    if (set === undefined) {
      set = new Set([...def.exposed, ...Object.keys(def.methodToTypeid ?? {})])
      cache.byDef.set(def, set)
    }
    return set
  }
  const proto = Object.getPrototypeOf(referent) ?? referent
  let set = cache.byClass.get(proto)
  if (set === undefined) {
    set = new Set([...publicMethods(referent), ...Object.keys(def.methodToTypeid ?? {})])
    // Instances with their own function fields differ from their class; only cache what the class decides.
    if (Object.getOwnPropertyNames(referent).every((n) => typeof (referent as Record<string, unknown>)[n] !== "function")) {
      cache.byClass.set(proto, set)
    }
  }
  return set
}

/** The methods of T. @category type-level @since 0.1.0 */
export type MethodKeys<T> = { [K in keyof T]: T[K] extends (...args: any) => any ? K : never }[keyof T] & string

/** The methods of T a proxy can call: functions whose names do not start with `_`. @category type-level @since 0.1.0 */
export type PublicMethodKeys<T> = {
  [K in keyof T]: K extends `_${string}` ? never : T[K] extends (...args: any) => any ? K : never
}[keyof T] & string

/**
 * Registers a user type, as Python's `BaseManager.register(typeid, callable)`.
 * The proxy is an AutoProxy with a typed method for each public method of
 * the referent (or each name in `exposed`).
 *
 * @example
 * ```ts
 * import { Registry } from "effect-managers"
 *
 * class Counter {
 *   n = 0
 *   increment(by: number) { return (this.n += by) }
 * }
 * export const CounterType = Registry.define("Counter", { create: () => new Counter() })
 * // manager.create(CounterType) gives a proxy with increment(by): Effect<number, ...>
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const define = <
  const Id extends string,
  Args extends ReadonlyArray<any>,
  R extends object,
  const Exposed extends MethodKeys<R> = PublicMethodKeys<R>
>(
  typeid: Id,
  options: {
    readonly create: (...args: Args) => R | PromiseLike<R> | Effect.Effect<R, any, never>
    readonly exposed?: ReadonlyArray<Exposed> | undefined
    readonly methodToTypeid?: Readonly<Record<string, string>> | undefined
    readonly parameters?: ReadonlyArray<string> | undefined
    readonly methodParameters?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
    readonly undo?: Readonly<Record<string, string | null>> | undefined
    readonly createMethod?: boolean | undefined
    readonly errors?: ReadonlyArray<ErrorClass> | undefined
  }
): TypeDef<Id, Args, AutoProxyOf<Pick<R, Exposed>>> => ({ typeid, ...options })

/**
 * Registers a typeid that serves the same kind of object as `like` (its
 * exposed methods and proxy): with `create` on the server, without it on a
 * client that only connects (CPython's `register('get_queue')`).
 *
 * @example
 * ```ts
 * import { Registry, SyncManager } from "effect-managers"
 * // client side: the server's get_queue hands every client the same Queue
 * const GetQueue = Registry.alias("get_queue", SyncManager.types.Queue)
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const alias = <const Id extends string, D extends TypeDef, Args extends ReadonlyArray<any> = []>(
  typeid: Id,
  like: D,
  create?: (...args: Args) => unknown
): TypeDef<Id, Args, ProxyOf<D>> => ({
  ...like,
  typeid,
  create: create as never,
  createMethod: true
}) as TypeDef<Id, Args, ProxyOf<D>>

/** The typed AutoProxy of a referent type (see `ProxyCore.AutoProxyOf`). @since 0.1.0 */
export type { AutoProxyOf } from "../domain/ProxyCore.ts"
import type { AutoProxyOf } from "../domain/ProxyCore.ts"

/**
 * The types a manager serves, by typeid.
 *
 * @category services
 * @since 0.1.0
 */
export class Registry extends Context.Service<Registry, {
  readonly get: (typeid: string) => TypeDef | undefined
  readonly types: ReadonlyArray<TypeDef>
  /** The error class the types declare for a tag. */
  readonly errorClass: (tag: string) => ErrorClass | undefined
  /** The methods a referent of a type exposes, worked out once per TypeDef or class. */
  readonly exposedOf: (def: TypeDef, referent: object) => ReadonlySet<string>
}>()("effect-managers/Registry") {}

/**
 * A registry of the given types; a later TypeDef with the same typeid
 * replaces an earlier one.
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (types: Iterable<TypeDef>): Registry["Service"] => {
  const byId = new Map<string, TypeDef>()
  for (const t of types) byId.set(t.typeid, t)
  const errors = new Map<string, ErrorClass>()
  for (const t of byId.values()) {
    for (const cls of t.errors ?? []) {
      // A tagged error class's tag is on its instances: make one with no fields to read it.
      const tag = (new cls({}) as { _tag?: unknown })._tag
      if (typeof tag === "string") errors.set(tag, cls)
    }
  }
  const cache: ExposedCache = { byDef: new WeakMap(), byClass: new WeakMap() }
  return {
    get: (typeid) => byId.get(typeid),
    types: [...byId.values()],
    errorClass: (tag) => errors.get(tag),
    exposedOf: (def, referent) => exposedOf(def, referent, cache)
  }
}

/** The Registry service holding `types`. @category layers @since 0.1.0 */
export const layer = (types: Iterable<TypeDef>): Layer.Layer<Registry> => Layer.succeed(Registry, make(types))
