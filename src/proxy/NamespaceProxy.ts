/**
 * The proxy of a shared Namespace: attributes by name.
 *
 * @since 0.1.0
 */
import type { Effect } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { AttributeError } from "../domain/PythonErrors.ts"
import type { NamespaceValue } from "../domain/values/PyObjects.ts"
import { BaseProxy } from "./BaseProxy.ts"

/** The proxy of a shared Namespace, typed by its attributes. @category proxies @since 0.1.0 */
export class NamespaceProxy<T extends Record<string, unknown> = Record<string, unknown>> extends BaseProxy {
  /** An attribute, or AttributeError when it is not set. */
  get<K extends keyof T & string>(name: K): Effect.Effect<T[K], AttributeError | CallError> {
    return this.call("__getattribute__", name)
  }
  set<K extends keyof T & string>(name: K, value: T[K]): Effect.Effect<void, CallError> {
    return this.call("__setattr__", name, value)
  }
  /** Deletes an attribute, or AttributeError when it is not set. */
  delete<K extends keyof T & string>(name: K): Effect.Effect<void, AttributeError | CallError> {
    return this.call("__delattr__", name)
  }
  /** A copy with every attribute. */
  override getValue(): Effect.Effect<NamespaceValue & Partial<T>, CallError> {
    return super.getValue() as Effect.Effect<NamespaceValue & Partial<T>, CallError>
  }
}
