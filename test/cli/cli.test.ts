/**
 * The command line's own details: its version is package.json's, the authkey
 * is read as a Redacted config (an empty value is the empty key), a bad
 * `--initializer-args` is refused with the flag's name, `--log-level` sets
 * what the server logs, on stderr, leaving stdout to `listening ADDR`.
 */
import { spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { createInterface } from "node:readline"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Redacted } from "effect"
import { readAuthkey } from "../../src/layers/process/Authkey.ts"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import { assertNoSocket, binScript, unixAddress } from "../support/processes.ts"

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the CLI to its end and gives what it printed. */
const run = (args: ReadonlyArray<string>, env: Record<string, string | undefined> = {}): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binScript, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (b) => (stdout += b))
    child.stderr.on("data", (b) => (stderr += b))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** `serve` until its `listening` line, then SIGTERM; gives everything it printed and its exit code. */
const serveThenTerm = (args: ReadonlyArray<string>, env: Record<string, string>, whileServing: (address: string) => Promise<void> = async () => {}) =>
  new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, [binScript, "serve", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stderr.on("data", (b) => (stderr += b))
    createInterface({ input: child.stdout }).on("line", (line) => {
      stdout += `${line}\n`
      if (!line.startsWith("listening ")) return
      whileServing(line.slice("listening ".length)).then(() => child.kill("SIGTERM"), (e) => {
        child.kill("SIGKILL")
        reject(e)
      })
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version

describe("effect-managers", () => {
  it("--version prints package.json's version", async () => {
    const { code, stdout } = await run(["--version"])
    expect(code).toBe(0)
    expect(stdout.trim()).toBe(`effect-managers v${version}`)
  })

  it("a missing authkey variable is named, and the server does not start", async () => {
    const { code, stdout, stderr } = await run(["serve", "--address", unixAddress("cli-nokey"), "--authkey-env", "NO_SUCH_KEY_VARIABLE"])
    expect(code).toBe(1)
    expect(stdout).not.toContain("listening")
    expect(stderr).toContain("set the authkey in the environment variable NO_SUCH_KEY_VARIABLE")
  })

  it("--initializer-args that is not a JSON array is refused, naming the flag", async () => {
    for (const [json, expected] of [["{\"a\":1}", "Expected array"], ["[1,", "Expected a valid JSON string"]] as const) {
      const { code, stdout, stderr } = await run(
        ["serve", "--address", unixAddress("cli-args"), "--initializer", "./nowhere.ts#init", "--initializer-args", json],
        { MANAGER_AUTHKEY: "k" }
      )
      expect(code).toBe(1)
      expect(stdout).not.toContain("listening")
      expect(stderr).toContain("Invalid value for flag --initializer-args")
      expect(stderr).toContain(expected)
    }
  })

  it("--log-level debug logs why the server stopped, on stderr; the default level does not", async () => {
    const address = unixAddress("cli-log")
    const debug = await serveThenTerm(["--address", address, "--log-level", "debug"], { MANAGER_AUTHKEY: "k" })
    expect(debug.code).toBe(0)
    expect(debug.stdout).toBe(`listening ${address}\n`)
    expect(debug.stderr).toMatch(/DEBUG .*shutting down: SIGTERM/)
    expect(debug.stderr).toMatch(/DEBUG .*stopped/)
    const quiet = await serveThenTerm(["--address", address], { MANAGER_AUTHKEY: "k" })
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe("")
    assertNoSocket(address)
  })

  it("an empty authkey variable is the empty key", async () => {
    const address = unixAddress("cli-empty-key")
    let objects = -1
    const served = await serveThenTerm(["--address", address], { MANAGER_AUTHKEY: "" }, (at) =>
      Effect.runPromise(
        Effect.scoped(Effect.flatMap(ManagerClient.make({ address: at, authkey: new Uint8Array() }), (m) => m.numberOfObjects)).pipe(
          Effect.provide(NodeTransport.layer),
          Effect.map((n) => void (objects = n))
        )
      ))
    expect(served.code).toBe(0)
    expect(objects).toBe(0)
    assertNoSocket(address)
  })
})

describe("readAuthkey", () => {
  const read = (env: Record<string, string>) =>
    Effect.runPromise(readAuthkey("KEY").pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env, preserveEmptyStrings: true }))
    ))

  it("gives the key Redacted: no string form shows it", async () => {
    const key = await read({ KEY: "hex:00ff10" })
    expect(Redacted.value(key)).toEqual(new Uint8Array([0, 255, 16]))
    expect(String(key)).not.toContain("00ff10")
    expect(JSON.stringify(key)).not.toContain("00ff10")
    expect(String(key)).toContain("redacted")
    expect(Redacted.value(await read({ KEY: "base64:AP8Q" }))).toEqual(new Uint8Array([0, 255, 16]))
    expect(Redacted.value(await read({ KEY: "secret" }))).toEqual(new TextEncoder().encode("secret"))
  })

  it("fails with MissingAuthkey when the variable is not set", async () => {
    await expect(read({})).rejects.toMatchObject({ _tag: "MissingAuthkey", variable: "KEY" })
  })
})
