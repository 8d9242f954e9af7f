/**
 * The code examples of the docs, checked as programs: every ```ts block of a
 * Markdown file (README) and every ```ts block of a TSDoc comment in src is
 * written to a file of its own in a project directory and type-checked there
 * with `tsc`; each error is reported at the block's own line in its source.
 * The README check runs against the packed package (test/package), the TSDoc
 * check against src (npm run docs, and test/docs).
 */
import { spawn } from "node:child_process"
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"

/** One example: where it is, and its code. */
export interface Example {
  /** The file it was found in. */
  readonly source: string
  /** The line of its first line of code in that file (1-based). */
  readonly line: number
  readonly code: string
  /** In Markdown, a `<!-- typecheck only: why -->` line just before the block: not run. */
  readonly typecheckOnly: boolean
  /**
   * The module other blocks import it as, when its first line names one
   * (`// tasks.ts: ...`): it is written under that name too.
   */
  readonly module?: string | undefined
}

// A block whose first line is `// name.ts` (then anything) is a module other blocks import.
const moduleName = (code: string): string | undefined => /^\/\/ ([\w-]+\.ts)\b/.exec(code)?.[1]

const typecheckOnlyMarker = /^<!--\s*typecheck only\b.*-->\s*$/

/** The ```ts blocks of a Markdown document. */
export const markdownExamples = (source: string, text: string): ReadonlyArray<Example> => {
  const lines = text.split("\n")
  const out: Array<Example> = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ts\s*$/.test(lines[i]!)) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++
    let before = i - 1
    while (before >= 0 && lines[before]!.trim() === "") before--
    const code = lines.slice(start, end).join("\n")
    out.push({
      source,
      line: start + 1,
      code,
      typecheckOnly: before >= 0 && typecheckOnlyMarker.test(lines[before]!),
      module: moduleName(code)
    })
    i = end
  }
  return out
}

/** The ```ts blocks inside the doc comments of a TypeScript file. */
export const tsdocExamples = (source: string, text: string): ReadonlyArray<Example> => {
  const lines = text.split("\n")
  const out: Array<Example> = []
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s?```ts\s*$/.test(lines[i]!)) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !/^\s*\*\s?```\s*$/.test(lines[end]!)) end++
    out.push({
      source,
      line: start + 1,
      code: lines.slice(start, end).map((l) => l.replace(/^\s*\* ?/, "")).join("\n"),
      typecheckOnly: true
    })
    i = end
  }
  return out
}

/** Every TypeScript file under `dir`. */
export const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : []
  })

/** An example's file name in the project it is checked in. */
export const exampleFile = (index: number) => `example-${String(index).padStart(3, "0")}.ts`

/**
 * Writes each example to `dir` as a module of its own (so that their names
 * do not meet and top-level await is allowed), and gives the file names.
 * An example that names its module is written under that name too, for the
 * others to import.
 */
export const writeExamples = (dir: string, examples: ReadonlyArray<Example>): ReadonlyArray<string> => {
  mkdirSync(dir, { recursive: true })
  return examples.map((example, i) => {
    const file = exampleFile(i)
    writeFileSync(join(dir, file), `${example.code}\nexport {}\n`)
    if (example.module !== undefined) writeFileSync(join(dir, example.module), `${example.code}\n`)
    return file
  })
}

/** What tsc said about one example, at the example's place in its source. */
export interface ExampleError {
  readonly example: Example
  /** `source:line:column: message` */
  readonly text: string
}

/** Runs a program to its end; gives its exit code and everything it printed. */
export const run = (command: string, args: ReadonlyArray<string>, options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv }) =>
  new Promise<{ readonly code: number | null; readonly output: string }>((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    child.stdout.on("data", (b) => (output += b))
    child.stderr.on("data", (b) => (output += b))
    child.on("error", fail)
    child.on("close", (code) => done({ code, output }))
  })

/**
 * Type-checks the project in `dir` with the TypeScript at `tscPath` and
 * gives tsc's errors, those in example files mapped back to the examples'
 * sources (`files[i]` holds `examples[i]`). Any other error (in a file that
 * is no example) comes back as it is, with no example.
 */
export const typecheck = async (options: {
  readonly dir: string
  readonly tscPath: string
  readonly examples: ReadonlyArray<Example>
  readonly files: ReadonlyArray<string>
}): Promise<{ readonly errors: ReadonlyArray<string>; readonly output: string }> => {
  const { code, output } = await run(process.execPath, [options.tscPath, "-p", ".", "--pretty", "false"], { cwd: options.dir })
  const byFile = new Map(options.files.map((f, i) => [f, options.examples[i]!] as const))
  const errors: Array<string> = []
  for (const line of output.split("\n")) {
    const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line)
    if (m === null) continue
    const example = byFile.get(relative(options.dir, resolve(options.dir, m[1]!)))
    errors.push(example === undefined
      ? line
      : `${example.source}:${example.line + Number(m[2]) - 1}:${m[3]}: ${m[4]}`)
  }
  if (code !== 0 && errors.length === 0) errors.push(output.trim() || `tsc exited with ${code}`)
  return { errors, output }
}

/** The repository's root, from this file. */
export const root = resolve(import.meta.dirname, "..")

/** The package's public entry points: each export of package.json and the source it is built from. */
export const entryPoints = (): ReadonlyArray<{ readonly specifier: string; readonly source: string }> => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    readonly name: string
    readonly exports: Readonly<Record<string, string | { readonly default: string }>>
  }
  return Object.entries(pkg.exports).flatMap(([key, target]) => {
    if (typeof target === "string") return []
    const source = target.default.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts")
    return [{ specifier: key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`, source }]
  })
}

/**
 * Type-checks `examples` against the sources in src, the package's names
 * mapped to its entry points, in a scratch project under node_modules/.cache
 * (removed after). Gives the errors.
 */
export const checkAgainstSources = async (examples: ReadonlyArray<Example>): Promise<ReadonlyArray<string>> => {
  const dir = join(root, "node_modules", ".cache", `effect-managers-examples-${process.pid}`)
  rmSync(dir, { recursive: true, force: true })
  try {
    // An example of an internal module imports it relatively, from beside its source; a module
    // another example names (`./tasks.ts`) is that example's.
    const named = new Set(examples.flatMap((e) => (e.module !== undefined ? [`./${e.module}`] : [])))
    const located = examples.map((example) => ({
      ...example,
      code: example.code.replace(
        /(\bfrom\s+|\bimport\s*\(\s*)(["'])(\.\.?\/[^"']+)\2/g,
        (whole: string, lead: string, quote: string, specifier: string) =>
          named.has(specifier) ? whole : `${lead}${quote}${resolve(root, dirname(example.source), specifier)}${quote}`
      )
    }))
    const files = writeExamples(dir, located)
    const paths = Object.fromEntries(entryPoints().map((e) => [e.specifier, [join(root, e.source)]]))
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
      compilerOptions: {
        target: "ES2024",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2024", "ESNext.Disposable"],
        types: ["node"],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        paths
      },
      files
    }, null, 2))
    const { errors } = await typecheck({ dir, tscPath: join(root, "node_modules", "typescript", "bin", "tsc"), examples, files })
    return errors
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Every TSDoc example in src. */
export const sourceExamples = (): ReadonlyArray<Example> =>
  sourceFiles(join(root, "src")).flatMap((file) => tsdocExamples(relative(root, file), readFileSync(file, "utf8")))

/** Every example in README.md. */
export const readmeExamples = (): ReadonlyArray<Example> => markdownExamples("README.md", readFileSync(join(root, "README.md"), "utf8"))
