/**
 * The CPython interpreters the interop tests run, for real: python3 (3.11)
 * and, through pyenv, 3.12.1 and 3.13.0. A missing one fails the suite.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process"
import { createInterface } from "node:readline"
import { Deferred, Effect, Queue } from "effect"

export interface Python {
  readonly version: string
  readonly env: Record<string, string>
}

export const pythons: ReadonlyArray<Python> = [
  { version: "3.11", env: {} },
  { version: "3.12", env: { PYENV_VERSION: "3.12.1" } },
  { version: "3.13", env: { PYENV_VERSION: "3.13.0" } }
]

/** How a test names an interpreter: `CPython 3.12`. */
export const labelOf = (python: Python): string => `CPython ${python.version}`

/**
 * Runs a helper script that reads JSON on stdin and writes JSON with its
 * `version` on stdout; a missing interpreter, a failing script or another
 * version answering throws, so the calling test fails rather than skips.
 */
export const runJsonHelper = <A>(script: string, python: Python, mode: string, input?: unknown): A => {
  const env: Record<string, string | undefined> = { ...process.env, PYTHONDONTWRITEBYTECODE: "1", ...python.env }
  if (python.env["PYENV_VERSION"] === undefined) delete env["PYENV_VERSION"]
  const result = spawnSync("python3", [script, mode], {
    env,
    input: input === undefined ? "" : JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
    timeout: 120_000
  })
  const label = labelOf(python)
  if (result.error !== undefined) throw new Error(`${label}: cannot run python3: ${result.error.message}`)
  if (result.status !== 0) throw new Error(`${label}: ${script} ${mode} exited ${result.status}: ${result.stderr}`)
  const parsed = JSON.parse(result.stdout) as { readonly version: readonly [number, number] }
  if (parsed.version.join(".") !== python.version) throw new Error(`${label}: got Python ${parsed.version.join(".")} instead`)
  return parsed as A
}

/** The interpreter's own version line; throws when it is missing or another version answers. */
export const checkPython = (python: Python): string => {
  const out = execFileSync("python3", ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], {
    env: { ...process.env, ...python.env },
    encoding: "utf8"
  }).trim()
  if (out !== python.version) throw new Error(`expected CPython ${python.version}, got ${out}`)
  return out
}

/** Runs a Python script; its stdout lines are read one by one; killed when the scope closes. */
export const spawnPython = (python: Python, args: ReadonlyArray<string>, authkey: Uint8Array) =>
  Effect.acquireRelease(
    Effect.gen(function*() {
      checkPython(python)
      const lines = yield* Queue.unbounded<string>()
      const exited = yield* Deferred.make<{ code: number | null; signal: NodeJS.Signals | null }>()
      const child = spawn("python3", ["-u", ...args], {
        env: { ...process.env, ...python.env, MANAGER_AUTHKEY: new TextDecoder().decode(authkey) },
        stdio: ["pipe", "pipe", "inherit"]
      })
      createInterface({ input: child.stdout }).on("line", (l) => Queue.offerUnsafe(lines, l))
      child.on("exit", (code, signal) => Deferred.doneUnsafe(exited, Effect.succeed({ code, signal })))
      return {
        pid: child.pid!,
        line: Queue.take(lines).pipe(Effect.timeoutOrElse({
          duration: "30 seconds",
          orElse: () => Effect.die(new Error(`python ${args.join(" ")} printed nothing for 30 seconds`))
        })),
        exit: Deferred.await(exited),
        kill: (signal: NodeJS.Signals = "SIGTERM") => Effect.sync(() => void child.kill(signal)),
        process: child
      }
    }),
    (p) =>
      Effect.gen(function*() {
        if (p.process.exitCode === null && p.process.signalCode === null) {
          p.process.kill("SIGKILL")
          yield* p.exit
        }
      })
  )
