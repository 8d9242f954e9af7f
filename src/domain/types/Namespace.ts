/**
 * A shared bag of attributes (`manager.Namespace()`): get, set and delete by
 * name; a missing attribute fails with AttributeError.
 *
 * @since 0.1.0
 */
import { type Eventually, map } from "../Eventually.ts"
import { AttributeError, TypeError } from "../PythonErrors.ts"
import type { NamespaceState } from "../state/Containers.ts"
import { SharedObject } from "./SharedObject.ts"

const attributeName = (name: unknown): string => {
  if (typeof name !== "string") throw TypeError.make(`attribute name must be string, not '${typeof name}'`)
  return name
}

/** The attributes a Namespace starts with: `Namespace(**kwargs)`. @since 0.1.0 */
export const initialAttributes = (attributes?: Record<string, unknown> | Map<unknown, unknown> | null): Array<readonly [string, unknown]> => {
  if (attributes instanceof Map) return [...attributes].map(([k, v]) => [attributeName(k), v] as const)
  return attributes ? Object.entries(attributes) : []
}

const missing = (key: string) => AttributeError.make(`'Namespace' object has no attribute '${key}'`)

/** @since 0.1.0 */
export class Namespace extends SharedObject<NamespaceState> {
  __getattribute__(name: unknown): Eventually<unknown> {
    const key = attributeName(name)
    return map(this.state.get(key), (got) => {
      if (got === undefined) throw missing(key)
      return got.value
    })
  }

  __setattr__(name: unknown, value: unknown): Eventually<void> {
    return this.state.set(attributeName(name), value)
  }

  __delattr__(name: unknown): Eventually<void> {
    const key = attributeName(name)
    return map(this.state.delete(key), (was) => {
      if (!was) throw missing(key)
    })
  }
}

/** What NamespaceProxy exposes. @since 0.1.0 */
export const namespaceExposed: ReadonlyArray<string> = ["__getattribute__", "__setattr__", "__delattr__"]
