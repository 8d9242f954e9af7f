/**
 * The `inspect` program: connects to a manager and prints its live objects
 * (debugInfo) and their count as a table, then its connection counters:
 * what it serves, what it refused and why, and what came of interrupted calls.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import type { ObjectInfo } from "../domain/ObjectInfo.ts"
import type { ServerStats } from "../services/Server.ts"
import * as ManagerClient from "../layers/ManagerClient.ts"
import * as NodeTransport from "../layers/NodeTransport.ts"

/** The table `inspect` prints. @since 0.1.0 */
export const formatTable = (objects: ReadonlyArray<ObjectInfo>): string => {
  const rows = objects.map((o) => [
    o.id,
    o.typeid,
    String(o.refcount),
    Object.entries(o.sessions).map(([s, n]) => `${s.slice(0, 8)}×${n}`).join(" ") || "-",
    Object.entries(o.heldBy).map(([id, n]) => `${id}×${n}`).join(" ") || "-",
    o.description.replace(/\s+/g, " ")
  ])
  const header = ["ID", "TYPEID", "REFS", "SESSIONS", "HELD BY", "DESCRIPTION"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()
  const count = `${objects.length} object${objects.length === 1 ? "" : "s"}`
  return [line(header), ...rows.map(line), count].join("\n")
}

/** The counters `inspect` prints under the table. @since 0.1.0 */
export const formatStats = (stats: ServerStats): string => {
  const r = stats.refused
  const c = stats.calls
  return [
    `connections: ${stats.connections} served, ${stats.pending} authenticating, ${stats.accepted} accepted, ${stats.sessions} sessions`,
    `refused: ${r.handshakeTimeout} handshake timeout, ${r.authentication} authentication, ${r.pendingLimit} pending limit, ${r.connectionLimit} connection limit`,
    `interrupted calls: ${c.cancelled} cancelled, ${c.undone} undone, ${c.irreversible} irreversible`
  ].join("\n")
}

/** Connects, reads debugInfo and the counters, and gives the table. @since 0.1.0 */
export const inspect = (options: { readonly address: string; readonly authkey: Uint8Array }) =>
  Effect.gen(function*() {
    const manager = yield* ManagerClient.make(options)
    const table = formatTable(yield* manager.debugInfo)
    return `${table}\n${formatStats(yield* manager.stats)}`
  }).pipe(Effect.scoped, Effect.provide(NodeTransport.layer))
