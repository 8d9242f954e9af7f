/**
 * `MODULE#EXPORT` specifiers: how a registry or an initializer travels to a
 * server process (a module anyone can import, and the name of its export).
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { isAbsolute, resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { Data, Effect } from "effect"

/**
 * A module could not be imported, or lacks the export it was named for: a
 * registry, an initializer, or a Pool's task module.
 *
 * @category errors
 * @since 0.1.0
 */
export class ModuleLoadError extends Data.TaggedError("ModuleLoadError")<{
  readonly specifier: string
  readonly reason: string
}> {
  override get message(): string {
    return `cannot load ${this.specifier}: ${this.reason}`
  }
}

/** A module and one of its exports. @category models @since 0.1.0 */
export interface ModuleExport {
  readonly module: string
  readonly export: string
}

/** `MODULE#EXPORT` to its parts (the export defaults to `default`). @since 0.1.0 */
export const parseModuleExport = (specifier: string): ModuleExport => {
  const hash = specifier.lastIndexOf("#")
  return hash < 0
    ? { module: specifier, export: "default" }
    : { module: specifier.slice(0, hash), export: specifier.slice(hash + 1) || "default" }
}

/** The parts back to a specifier. @since 0.1.0 */
export const formatModuleExport = (m: ModuleExport): string => `${m.module}#${m.export}`

const isPath = (module: string, from: string): boolean =>
  module.startsWith(".") || isAbsolute(module) || existsSync(resolve(from, module))

/**
 * A module made absolute against `from` (default: the working directory)
 * when it is a path; a package name stays as it is.
 *
 * @since 0.1.0
 */
export const resolveModule = (module: string, from: string = process.cwd()): string =>
  isPath(module, from) ? resolve(from, module) : module

/**
 * The specifier with a relative module made absolute against `from` (default:
 * the working directory), so that it names the same file from any process
 * and any directory. A package name stays as it is.
 *
 * @since 0.1.0
 */
export const resolveModuleExport = (specifier: string | ModuleExport, from: string = process.cwd()): string => {
  const parts = typeof specifier === "string" ? parseModuleExport(specifier) : specifier
  return formatModuleExport(isPath(parts.module, from) ? { ...parts, module: resolve(from, parts.module) } : parts)
}

// A path (relative to the working directory) when one exists there, else a package name.
const importable = (module: string): string => isPath(module, process.cwd()) ? pathToFileURL(resolve(module)).href : module

/**
 * Imports a module (a relative path is taken from the working directory) and
 * gives the named export.
 *
 * @since 0.1.0
 */
export const loadExport = (specifier: string): Effect.Effect<unknown, ModuleLoadError> => {
  const { module, export: name } = parseModuleExport(specifier)
  return Effect.tryPromise({
    try: () => import(importable(module)) as Promise<Record<string, unknown>>,
    catch: (e) => new ModuleLoadError({ specifier, reason: (e as Error)?.message ?? String(e) })
  }).pipe(
    Effect.flatMap((ns) =>
      name in ns
        ? Effect.succeed(ns[name])
        : Effect.fail(new ModuleLoadError({ specifier, reason: `it has no export named ${name}` }))
    )
  )
}
