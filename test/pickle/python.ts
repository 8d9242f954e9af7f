/**
 * Runs test/pickle/cpython_helper.py under a given CPython (through pyenv's
 * PYENV_VERSION), exchanging JSON on stdin/stdout. A missing interpreter or a
 * failing script throws, so the calling test fails rather than skips.
 */
import { spawnSync } from "node:child_process"
import { join } from "node:path"

export const helperScript = join(import.meta.dirname, "cpython_helper.py")

export interface Interpreter {
  readonly label: string
  /** PYENV_VERSION to set, or undefined for the default python3. */
  readonly pyenvVersion: string | undefined
  readonly expectVersion: readonly [number, number]
}

export const interpreters: ReadonlyArray<Interpreter> = [
  { label: "CPython 3.11 (python3)", pyenvVersion: undefined, expectVersion: [3, 11] },
  { label: "CPython 3.12.1", pyenvVersion: "3.12.1", expectVersion: [3, 12] },
  { label: "CPython 3.13.0", pyenvVersion: "3.13.0", expectVersion: [3, 13] }
]

export const runHelper = <A>(interpreter: Interpreter, mode: string, input?: unknown): A => {
  const env: Record<string, string | undefined> = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" }
  if (interpreter.pyenvVersion !== undefined) env["PYENV_VERSION"] = interpreter.pyenvVersion
  else delete env["PYENV_VERSION"]
  const result = spawnSync("python3", [helperScript, mode], {
    env,
    input: input === undefined ? "" : JSON.stringify(input),
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024
  })
  if (result.error !== undefined) throw new Error(`${interpreter.label}: cannot run python3: ${result.error.message}`)
  if (result.status !== 0) {
    throw new Error(`${interpreter.label}: cpython_helper.py ${mode} exited ${result.status}: ${result.stderr}`)
  }
  const parsed = JSON.parse(result.stdout) as { readonly version: readonly [number, number] }
  const [major, minor] = parsed.version
  if (major !== interpreter.expectVersion[0] || minor !== interpreter.expectVersion[1]) {
    throw new Error(`${interpreter.label}: got Python ${major}.${minor} instead`)
  }
  return parsed as A
}
