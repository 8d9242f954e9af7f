/**
 * Runs once around the whole suite and fails it if any test left something
 * behind: a Unix socket file of ours in the temp directory, or a process
 * running our server, worker scripts or Pool workers (zombies excepted: they have exited).
 *
 * The suite gets a temp directory of its own (TMPDIR, which the test workers
 * and every process they start inherit), so that what other suites on the
 * machine leave in the shared one is not taken for ours; it is removed after.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const ourSockets = () => new Set(readdirSync(tmpdir()).filter((f) => f.startsWith("effect-managers-") && f.endsWith(".sock")))

// Only this checkout's processes (and the install test's consumers): other checkouts on the
// machine may be running their own suites at the same time.
const root = fileURLToPath(new URL("../..", import.meta.url))
const ours = (cmdline: string) => cmdline.includes(root) || cmdline.includes("effect-managers-consumer-")

const ourProcesses = () => {
  const found: Array<string> = []
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0]
      if (state === "Z") continue
      if (/effect-managers(\.js)? serve|test\/processes\/|examples\/job-pool|layers\/pool\/PoolWorker/.test(cmdline) && ours(cmdline)) found.push(`${pid}: ${cmdline.trim()}`)
    } catch {
      // gone while we looked
    }
  }
  return found
}

let before = new Set<string>()
let processesBefore = new Set<string>()
let runDir: string | undefined

export const setup = () => {
  runDir = mkdtempSync(join(tmpdir(), "effect-managers-run-"))
  process.env["TMPDIR"] = runDir
  before = ourSockets()
  processesBefore = new Set(ourProcesses())
}

export const teardown = async () => {
  // Give processes killed in the last test's finalizers a moment to go.
  for (let i = 0; i < 50; i++) {
    if (ourProcesses().every((p) => processesBefore.has(p))) break
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const sockets = [...ourSockets()].filter((s) => !before.has(s))
  const processes = ourProcesses().filter((p) => !processesBefore.has(p))
  if (runDir !== undefined) rmSync(runDir, { recursive: true, force: true })
  if (sockets.length > 0 || processes.length > 0) {
    throw new Error(`tests left things behind:\n  sockets: ${sockets.join(", ") || "none"}\n  processes: ${processes.join("\n    ") || "none"}`)
  }
}
