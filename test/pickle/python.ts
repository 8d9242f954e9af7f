/**
 * Runs test/pickle/cpython_helper.py under each CPython, exchanging JSON on
 * stdin/stdout (test/support/python.ts runs it and checks the version).
 */
import { join } from "node:path"
import { labelOf, type Python, pythons, runJsonHelper } from "../support/python.ts"

const helperScript = join(import.meta.dirname, "cpython_helper.py")

export const interpreters = pythons.map((python) => ({ ...python, label: labelOf(python) }))

export const runHelper = <A>(python: Python, mode: string, input?: unknown): A =>
  runJsonHelper<A>(helperScript, python, mode, input)
