/**
 * The final check of a decoded value whose containers are shared (a memo
 * reference or DUP made one container reachable twice). The decoder tracks
 * nesting and expanded size as it builds, but a container fetched from the
 * memo can be filled after it was placed in another, which that tracking
 * cannot see; this pass measures the finished graph instead. It is
 * iterative, visits each container once, and treats references back to an
 * enclosing container (cycles, which Python can pickle) as leaves.
 *
 * Expanded size matters because JS consumers (`repr`, `equals`, hashing)
 * walk a value as a tree: a few hundred bytes of pickle can share their way
 * to 2^60 nodes.
 *
 * @since 0.1.0
 */
import { NamespaceValue, PyObject, ValueCopy } from "../../domain/values/PyObjects.ts"
import { exceptionState, isPythonError } from "./Exceptions.ts"
import { PyCall, PyNewObject } from "./Records.ts"

/**
 * The values directly inside a decoded value, or `undefined` for a leaf
 * (primitives, bytes, Token, PyFloat, Slice, PyArray, PyGlobal).
 *
 * @since 0.1.0
 */
export const childrenOf = (u: unknown): ReadonlyArray<unknown> | undefined => {
  if (typeof u !== "object" || u === null) return undefined
  if (Array.isArray(u)) return u
  if (u instanceof Map) {
    const out: Array<unknown> = []
    for (const [k, v] of u) out.push(k, v)
    return out
  }
  if (u instanceof Set) return [...u]
  if (u instanceof PyObject) {
    const out: Array<unknown> = [u.args, u.state]
    if (u instanceof PyNewObject) out.push(u.kwargs)
    if (u instanceof PyCall) out.push(u.callable)
    if (u.items) out.push(...u.items)
    if (u.entries) for (const [k, v] of u.entries) out.push(k, v)
    return out
  }
  if (u instanceof NamespaceValue) return Object.values(u)
  if (u instanceof ValueCopy) return [u.value]
  if (isPythonError(u)) return [...u.args, exceptionState(u)]
  return undefined
}

/** A leaf's size: its length for str and bytes (what walking it costs), else 1. */
const leafSize = (u: unknown): number =>
  typeof u === "string" ? 1 + u.length : u instanceof Uint8Array ? 1 + u.length : 1

/**
 * What is wrong with a decoded value, if anything: `"depth"` when some path
 * goes through more than `maxDepth` nested containers (an empty list is
 * depth 1, `[[1]]` depth 2), `"size"` when walking it as a tree would visit
 * more than `maxSize` units (leaves count their length).
 *
 * @since 0.1.0
 */
export const checkGraph = (root: unknown, maxDepth: number, maxSize: number): "depth" | "size" | undefined => {
  const rootKids = childrenOf(root)
  if (rootKids === undefined) return undefined
  if (maxDepth < 1) return "depth"
  const height = new Map<object, number>()
  const size = new Map<object, number>()
  const onPath = new Set<object>([root as object])
  // One frame per container on the current path.
  const nodes: Array<object> = [root as object]
  const kids: Array<ReadonlyArray<unknown>> = [rootKids]
  const next: Array<number> = [0]
  const best: Array<number> = [1]
  const total: Array<number> = [1]
  while (nodes.length > 0) {
    const top = nodes.length - 1
    const ks = kids[top]!
    if (next[top]! < ks.length) {
      const child = ks[next[top]!++]
      const childKids = childrenOf(child)
      if (childKids === undefined || onPath.has(child as object)) {
        // Leaves, and references back up the path (cycles), cost their own size only.
        total[top]! += leafSize(child)
        if (total[top]! > maxSize) return "size"
        continue
      }
      const c = child as object
      const known = height.get(c)
      if (known !== undefined) {
        if (nodes.length + known > maxDepth) return "depth"
        if (known + 1 > best[top]!) best[top] = known + 1
        total[top]! += size.get(c)!
        if (total[top]! > maxSize) return "size"
        continue
      }
      if (nodes.length + 1 > maxDepth) return "depth"
      onPath.add(c)
      nodes.push(c)
      kids.push(childKids)
      next.push(0)
      best.push(1)
      total.push(1)
      continue
    }
    const done = nodes.pop()!
    const h = best.pop()!
    const s = total.pop()!
    kids.pop()
    next.pop()
    onPath.delete(done)
    height.set(done, h)
    size.set(done, s)
    if (nodes.length > 0) {
      const parent = nodes.length - 1
      if (h + 1 > best[parent]!) best[parent] = h + 1
      total[parent]! += s
      if (total[parent]! > maxSize) return "size"
    }
  }
  return undefined
}
