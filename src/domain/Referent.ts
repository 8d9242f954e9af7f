/**
 * What the server needs to know about a referent (the real object behind a
 * proxy) beyond its methods: who is calling (for lock ownership), how to copy
 * it (`#GETVALUE`), which shared objects it holds (nested proxies), and what to
 * undo when a caller's session ends (leases).
 *
 * A referent is any JS object. Its methods may return plain values, Promises
 * or Effects; a method that must know its caller is wrapped in
 * {@link withCaller}.
 *
 * @since 0.1.0
 */
import type { Eventually } from "./Eventually.ts"
import type { Token } from "./Token.ts"

/**
 * The caller of a method: its session (one client's connection, or one CPython
 * connection) and the fiber or thread inside it. Lock, RLock and Condition
 * ownership belongs to a caller.
 *
 * @category models
 * @since 0.1.0
 */
export interface Caller {
  readonly session: string
  /** Unique across sessions: the owner key used by locks. */
  readonly key: string
}

/** The caller `id` (a fiber, a thread) of `session`. @category constructors @since 0.1.0 */
export const makeCaller = (session: string, id: string | number): Caller => ({ session, key: `${session}/${id}` })

/** The caller of code that runs in the server itself (an initializer, a Barrier action). @category constants @since 0.1.0 */
export const localCaller: Caller = makeCaller("local", 0)

const needsCaller: unique symbol = Symbol.for("effect-managers/Referent/needsCaller") as never

/**
 * A method that receives its {@link Caller} first; proxies omit that argument.
 *
 * @category models
 * @since 0.1.0
 */
export type CallerMethod<Args extends ReadonlyArray<any>, R> = ((caller: Caller, ...args: Args) => R) & {
  readonly [needsCaller]: true
}

/**
 * Marks a method as one that receives its {@link Caller} as its first
 * argument, ahead of the arguments the proxy sent.
 *
 * @example
 * ```ts
 * import { Referent } from "effect-managers"
 * class Owned {
 *   owner: string | undefined
 *   claim = Referent.withCaller((caller) => { this.owner = caller.key })
 * }
 * ```
 * @category combinators
 * @since 0.1.0
 */
export const withCaller = <Args extends ReadonlyArray<any>, R>(
  f: (caller: Caller, ...args: Args) => R
): CallerMethod<Args, R> => {
  Object.defineProperty(f, needsCaller, { value: true })
  return f as CallerMethod<Args, R>
}

/** True when a method was wrapped by {@link withCaller}. @category utils @since 0.1.0 */
export const wantsCaller = (f: Function): boolean => (f as unknown as Record<symbol, unknown>)[needsCaller] === true

/**
 * Optional hooks a referent may implement, keyed by symbols so they never
 * collide with exposed method names. Each may answer now or with an Effect
 * (a referent whose state is remote).
 *
 * @category references
 * @since 0.1.0
 */
export const getValue: unique symbol = Symbol.for("effect-managers/Referent/getValue")
/** The hook a referent implements to undo what the callers of an ended session still hold. @category references @since 0.1.0 */
export const releaseSession: unique symbol = Symbol.for("effect-managers/Referent/releaseSession")
/** The hook a referent implements to run once when its last reference is released. @category references @since 0.1.0 */
export const dispose: unique symbol = Symbol.for("effect-managers/Referent/dispose")
/** The hook that names the shared objects a referent holds. @category hooks @since 0.1.0 */
export const children: unique symbol = Symbol.for("effect-managers/Referent/children")
/** The hook that describes a referent for `debugInfo`. @category hooks @since 0.1.0 */
export const describe: unique symbol = Symbol.for("effect-managers/Referent/describe")

/** The hooks a referent may implement, each under its symbol. @category models @since 0.1.0 */
export interface Hooks {
  /** A copy of the referent for `#GETVALUE` (default: the referent itself, copied by the codec). */
  readonly [getValue]?: () => Eventually<unknown>
  /** Undoes what callers of a session that ended still hold: lock ownership, permits. */
  readonly [releaseSession]?: (session: string) => Eventually<void>
  /** Called once when the referent is disposed (its last reference released). */
  readonly [dispose]?: () => Eventually<void>
  /** The tokens of the shared objects it holds (default: those found in its fields' data). */
  readonly [children]?: () => Eventually<Iterable<Token>>
  /** Its description in `debugInfo` and `__repr__` (default: `String(referent)`). */
  readonly [describe]?: () => Eventually<string>
}

const hidden = new Set(["constructor"])

/**
 * The default exposed methods of a referent: its public methods (functions on
 * it or its prototype chain, up to Object.prototype, whose names do not start
 * with `_`), as CPython's `public_methods`.
 *
 * @category utils
 * @since 0.1.0
 */
export const publicMethods = (referent: object): ReadonlyArray<string> => {
  const names = new Set<string>()
  let o: object | null = referent
  while (o !== null && o !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name.startsWith("_") || hidden.has(name)) continue
      const d = Object.getOwnPropertyDescriptor(o, name)
      if (d !== undefined && typeof d.value === "function") names.add(name)
    }
    o = Object.getPrototypeOf(o)
  }
  return [...names]
}
