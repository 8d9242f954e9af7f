/**
 * The package as a user gets it: `npm pack` (which builds dist), the tarball
 * installed into a fresh ESM project with its peers and nothing else. There,
 * a consumer file and every TypeScript block of README type-check with
 * `strict` and `skipLibCheck: false` (the error channels stay typed), the
 * programs run (README's Pool with workers that run the installed build and
 * a task module of the project's), `npx effect-managers serve` and `inspect` work from the
 * project's folder, and a StartedManager loads a registry module that lives
 * in that folder. Nothing is left behind: no process, no socket, no folder.
 */
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { createInterface } from "node:readline"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type Example, readmeExamples, root, run, typecheck, writeExamples } from "../../scripts/examples.ts"

const version = (pkg: string) => (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version
const ownVersion = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version

// npm as the one running this suite; `npm exec` is what `npx` runs.
const npmCli = process.env["npm_execpath"] ?? "/usr/lib/node_modules/npm/bin/npm-cli.js"
const npm = (args: ReadonlyArray<string>, cwd: string) => run(process.execPath, [npmCli, ...args], { cwd })

const consumer = mkdtempSync(join(tmpdir(), "effect-managers-consumer-"))
const socket = join(consumer, "m.sock")
const authkey = "consumer key"

/** Live processes whose command line mentions `text`, with their command lines. */
const processesMentioning = (text: string) =>
  readdirSync("/proc").flatMap((pid) => {
    if (!/^\d+$/.test(pid)) return []
    try {
      const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0]
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((a) => a !== "")
      return state !== "Z" && cmdline.join(" ").includes(text) ? [{ pid: Number(pid), cmdline }] : []
    } catch {
      return []
    }
  })

const consumerFile = `import { Effect } from "effect"
import { InProcessManager, KeyError, Manager, type CallError } from "effect-managers"
import { inProcess, type Rejection } from "effect-managers/promise"
import { decodePickle, encodePickle } from "effect-managers/protocol/pickle"
import { decodeXmlRpc, encodeXmlRpc } from "effect-managers/protocol/xmlrpc"

type IsAny<A> = 0 extends 1 & A ? true : false
type Assert<T extends true> = T

const program = Effect.gen(function*() {
  const m = yield* Manager
  const d = yield* m.dict<string, number>({ a: 1 })
  const getItem = d.getItem("zzz")
  // Fails to compile if the error channel degrades to any, or loses KeyError.
  type GetItemError = Effect.Error<typeof getItem>
  type _typed = Assert<IsAny<GetItemError> extends false ? true : false>
  type _keyError = Assert<KeyError extends GetItemError ? true : false>
  type _callError = Assert<CallError extends GetItemError ? true : false>
  const missing = yield* getItem.pipe(Effect.catchTag("KeyError", (e) => Effect.succeed(e.message)))
  return [yield* d.getItem("a"), missing] as const
})

const [a, missing] = await Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(InProcessManager.layer())))

await using manager = await inProcess()
await using d = await manager.dict<string, number>()
type PromiseGetItemError = Rejection<typeof d.getItem>
type _promiseTyped = Assert<IsAny<PromiseGetItemError> extends false ? true : false>
type _promiseKeyError = Assert<KeyError extends PromiseGetItemError ? true : false>
const rejected = await d.getItem("k").then(() => "resolved", (e: unknown) => e instanceof KeyError && e._tag)

const pickled = decodePickle(encodePickle([1, "two"]))
const marshalled = decodeXmlRpc(encodeXmlRpc(3))
console.log(JSON.stringify({ a, missing, rejected, pickled, marshalled }))
`

const registryFile = `import { Registry, SyncManager } from "effect-managers"

const greetings = SyncManager.referent("Queue") as { put: (item: unknown) => unknown }
export const types = [Registry.alias("greetings", SyncManager.types.Queue, () => greetings)]
export const init = (who: string) => greetings.put("hello " + who)
`

const startedFile = `import { Effect } from "effect"
import { Manager, Registry, StartedManager, SyncManager } from "effect-managers"

const Greetings = Registry.alias("greetings", SyncManager.types.Queue)
const program = Effect.gen(function*() {
  const m = yield* Manager
  const q = yield* m.create(Greetings)
  console.log(yield* q.get({ timeout: "5 seconds" }))
})

await Effect.runPromise(program.pipe(
  Effect.scoped,
  Effect.provide(StartedManager.layer({ registry: "./types.ts#types", initializer: "./types.ts#init", initializerArgs: ["from the consumer"], types: [Greetings] }))
))
`

let readme: ReadonlyArray<Example> = []
let readmeFiles: ReadonlyArray<string> = []

beforeAll(async () => {
  const packed = await npm(["pack", "--pack-destination", consumer], root)
  expect(packed.code, packed.output).toBe(0)
  const tarball = readdirSync(consumer).find((f) => f.endsWith(".tgz"))!
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
  const installed = await npm([
    "install",
    `./${tarball}`,
    `effect@${version("effect")}`,
    `@effect/platform-node@${version("@effect/platform-node")}`,
    `typescript@${version("typescript")}`,
    `@types/node@${version("@types/node")}`,
    "--prefer-offline",
    "--no-audit",
    "--no-fund"
  ], consumer)
  expect(installed.code, installed.output).toBe(0)
  writeFileSync(join(consumer, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      target: "ES2024",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      // The default lib, with the DOM: effect's own declarations (effect/crypto) name WebCrypto's types.
      types: ["node"],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      allowImportingTsExtensions: true
    }
  }))
  writeFileSync(join(consumer, "main.ts"), consumerFile)
  writeFileSync(join(consumer, "types.ts"), registryFile)
  writeFileSync(join(consumer, "started.ts"), startedFile)
  readme = readmeExamples()
  // README's Pool blocks import the task module its own block shows (written as tasks.ts too).
  expect(readme.some((e) => e.module === "tasks.ts")).toBe(true)
  readmeFiles = writeExamples(consumer, readme)
}, 120_000)

afterAll(() => {
  rmSync(consumer, { recursive: true, force: true })
})

describe("the packed package, installed", () => {
  it("ships dist with a declaration for every module, bin, README and LICENSE, and no sources", () => {
    const pkg = join(consumer, "node_modules", "effect-managers")
    expect(existsSync(join(pkg, "LICENSE"))).toBe(true)
    expect(existsSync(join(pkg, "README.md"))).toBe(true)
    expect(existsSync(join(pkg, "src"))).toBe(false)
    const files = (dir: string): ReadonlyArray<string> =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? files(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name])
    const dist = files(join(pkg, "dist"))
    const modules = dist.filter((f) => f.endsWith(".js"))
    expect(modules.length).toBeGreaterThan(100)
    expect(modules.filter((f) => !dist.includes(f.replace(/\.js$/, ".d.ts")))).toEqual([])
  })

  it("type-checks a consumer file and every README block with strict and skipLibCheck false", async () => {
    const { errors } = await typecheck({
      dir: consumer,
      tscPath: join(consumer, "node_modules", "typescript", "bin", "tsc"),
      examples: readme,
      files: readmeFiles
    })
    expect(errors).toEqual([])
    expect(readme.length).toBeGreaterThanOrEqual(8)
  }, 60_000)

  it("runs a program with the Effect and Promise APIs and both protocol codecs", async () => {
    const { code, output } = await run(process.execPath, ["main.ts"], { cwd: consumer })
    expect(code, output).toBe(0)
    expect(JSON.parse(output.trim())).toEqual({ a: 1, missing: "'zzz'", rejected: "KeyError", pickled: [1, "two"], marshalled: 3 })
  })

  it("runs README's blocks (those not marked typecheck only)", async () => {
    const runnable = readme.flatMap((example, i) => example.typecheckOnly ? [] : [{ example, file: readmeFiles[i]! }])
    expect(runnable.length).toBeGreaterThanOrEqual(7)
    const results = await Promise.all(runnable.map(async ({ example, file }) => ({
      at: `README.md:${example.line}`,
      ...(await run(process.execPath, [file], { cwd: consumer }))
    })))
    expect(results.filter((r) => r.code !== 0).map((r) => `${r.at}: ${r.output}`)).toEqual([])
    const promiseBlock = results.find((r) => r.output.includes("AbortError"))
    expect(promiseBlock?.output).toContain("KeyError 'zzz'")
    expect(promiseBlock?.output).toContain("CallTimeout")
  }, 60_000)

  it("npx effect-managers serve and inspect from the project's folder; the server stops on SIGTERM", async () => {
    expect((await npm(["exec", "--", "effect-managers", "--version"], consumer)).output.trim()).toBe(`effect-managers v${ownVersion}`)
    const serve = spawn(process.execPath, [npmCli, "exec", "--", "effect-managers", "serve", "--address", `unix:${socket}`], {
      cwd: consumer,
      env: { ...process.env, MANAGER_AUTHKEY: authkey },
      stdio: ["ignore", "pipe", "inherit"]
    })
    const exited = new Promise<number | null>((resolve) => serve.on("close", (code) => resolve(code)))
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: serve.stdout }).once("line", resolve)
        serve.once("close", () => reject(new Error("serve exited before listening")))
      })
      expect(first).toBe(`listening unix:${socket}`)
      const inspect = await run(process.execPath, [npmCli, "exec", "--", "effect-managers", "inspect", "--address", `unix:${socket}`], {
        cwd: consumer,
        env: { ...process.env, MANAGER_AUTHKEY: authkey }
      })
      expect(inspect.code, inspect.output).toBe(0)
      expect(inspect.output).toMatch(/^ID\s+TYPEID\s+REFS/)
      expect(inspect.output).toContain("0 objects")
    } finally {
      // npx runs the bin under `sh -c`, which passes no signal on: stop the server itself.
      const servers = processesMentioning(`serve --address unix:${socket}`).filter((p) => /(^|\/)node$/.test(p.cmdline[0]!))
      expect(servers.map((p) => p.cmdline[1])).toEqual([join(consumer, "node_modules", ".bin", "effect-managers")])
      for (const { pid } of servers) process.kill(pid, "SIGTERM")
    }
    expect(await exited).toBe(0)
    expect(processesMentioning(socket)).toEqual([])
    expect(existsSync(socket)).toBe(false)
  }, 60_000)

  it("a StartedManager runs the installed build and loads a registry module from the project's folder", async () => {
    const { code, output } = await run(process.execPath, ["started.ts"], { cwd: consumer })
    expect(code, output).toBe(0)
    expect(output.trim()).toBe("hello from the consumer")
    expect(processesMentioning(join(consumer, "types.ts"))).toEqual([])
  }, 60_000)
})
