/**
 * The Promise API's three forms of a manager over real processes and
 * sockets: started in a child process, connected to `effect-managers serve`,
 * and refused. Closing a manager gives back every reference it still held,
 * and leaves no process and no socket file.
 */
import { spawn } from "node:child_process"
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { describe, expect, it } from "vitest"
import { ManagerUnavailable, ProxyReleased } from "../../src/index.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { connect, start } from "../../src/promise/index.ts"
import * as Registry from "../../src/services/Registry.ts"
import { binScript, unixAddress } from "../support/processes.ts"

const authkey = new TextEncoder().encode("promise key")
const GetQueue = Registry.alias("get_queue", SyncManagerTypes.types.Queue)

/** Live processes whose command line mentions `text`. */
const processesMentioning = (text: string) =>
  readdirSync("/proc").filter((pid) => {
    if (!/^\d+$/.test(pid)) return false
    try {
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0]
      return state !== "Z" && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text)
    } catch {
      return false
    }
  })

const socketOf = (address: string) => address.slice("unix:".length)

/** `effect-managers serve` on `address` until `stop()`, which gives its exit code. */
const serve = async (address: string) => {
  const child = spawn(process.execPath, [binScript, "serve", "--address", address], {
    env: { ...process.env, MANAGER_AUTHKEY: "promise key" },
    stdio: ["ignore", "pipe", "inherit"]
  })
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
  const listening = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve)
    child.once("close", () => reject(new Error("serve exited before listening")))
  })
  expect(listening).toBe(`listening ${address}`)
  return {
    stop: () => {
      child.kill("SIGTERM")
      return exited
    }
  }
}

describe("Promise managers across processes", () => {
  it("start: a manager in a child process, a registry given relative to the working directory; close stops it", async () => {
    const manager = await start({
      authkey,
      registry: "./test/processes/queue-registry.ts#types",
      initializer: "./test/processes/queue-registry.ts#initialize",
      initializerArgs: ["by the Promise API"],
      types: [GetQueue]
    })
    const address = manager.address
    try {
      expect(processesMentioning(socketOf(address))).toHaveLength(1)
      await using q = await manager.create(GetQueue)
      expect(await q.get({ timeout: "5 seconds" })).toBe("initialized by the Promise API")
      await using lock = await manager.Lock()
      expect(await lock.withLock(() => lock.locked())).toBe(true)
    } finally {
      await manager.close()
    }
    expect(processesMentioning(socketOf(address))).toEqual([])
    expect(existsSync(socketOf(address))).toBe(false)
  })

  it("connect to a served manager; close gives back what it held; a new client finds nothing left", async () => {
    const address = unixAddress("promise-serve")
    const server = await serve(address)
    try {
      const first = await connect({ address, authkey })
      const kept = await first.dict({ a: 1 })
      await using released = await first.list([1])
      expect(await released.length()).toBe(1)
      expect(await first.numberOfObjects()).toBe(2)
      await first.close()
      await first.close()
      await expect(kept.getItem("a")).rejects.toBeInstanceOf(ProxyReleased)
      await using second = await connect({ address, authkey })
      expect(await second.numberOfObjects()).toBe(0)
      const aborted = new AbortController()
      aborted.abort()
      await expect(second.with({ signal: aborted.signal }).dict()).rejects.toBe(aborted.signal.reason)
      expect(await second.numberOfObjects()).toBe(0)
    } finally {
      expect(await server.stop()).toBe(0)
    }
    expect(existsSync(socketOf(address))).toBe(false)
  })

  it("connecting where no manager listens rejects with ManagerUnavailable", async () => {
    const error = await connect({ address: unixAddress("promise-nobody"), authkey }).then(() => undefined, (e: unknown) => e)
    expect(error).toBeInstanceOf(ManagerUnavailable)
  })
})
