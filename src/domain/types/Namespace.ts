/**
 * A shared bag of attributes (`manager.Namespace()`): get, set and delete by
 * name; a missing attribute fails with AttributeError.
 *
 * @since 0.1.0
 */
import { AttributeError, TypeError } from "../PythonErrors.ts"
import { getValue } from "../Referent.ts"
import { repr } from "../values/Equality.ts"
import { NamespaceValue } from "../values/PyObjects.ts"

const attributeName = (name: unknown): string => {
  if (typeof name !== "string") throw TypeError.make(`attribute name must be string, not '${typeof name}'`)
  return name
}

/** @since 0.1.0 */
export class Namespace {
  private readonly attributes = new Map<string, unknown>()

  constructor(attributes?: Record<string, unknown> | Map<unknown, unknown> | null) {
    if (attributes instanceof Map) for (const [k, v] of attributes) this.attributes.set(attributeName(k), v)
    else if (attributes) for (const [k, v] of Object.entries(attributes)) this.attributes.set(k, v)
  }

  __getattribute__(name: unknown): unknown {
    const key = attributeName(name)
    if (!this.attributes.has(key)) throw AttributeError.make(`'Namespace' object has no attribute '${key}'`)
    return this.attributes.get(key)
  }

  __setattr__(name: unknown, value: unknown): void {
    this.attributes.set(attributeName(name), value)
  }

  __delattr__(name: unknown): void {
    const key = attributeName(name)
    if (!this.attributes.delete(key)) throw AttributeError.make(`'Namespace' object has no attribute '${key}'`)
  }

  [getValue](): NamespaceValue {
    return new NamespaceValue(Object.fromEntries(this.attributes))
  }

  toString(): string {
    const items = [...this.attributes]
      .filter(([k]) => !k.startsWith("_"))
      .map(([k, v]) => `${k}=${repr(v)}`)
      .sort()
    return `Namespace(${items.join(", ")})`
  }
}

/** What NamespaceProxy exposes. @since 0.1.0 */
export const namespaceExposed: ReadonlyArray<string> = ["__getattribute__", "__setattr__", "__delattr__"]
