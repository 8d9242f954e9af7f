/**
 * What the API reference shows, checked: every name the package exports (from
 * each entry point of package.json, and each namespace those export) has a
 * TSDoc summary, `@since` and `@category`; every module it exports as a
 * namespace has a summary and `@since`.
 */
import { join, relative } from "node:path"
import ts from "typescript"
import { entryPoints, root } from "./examples.ts"

/** A public name whose documentation lacks something. */
export interface Missing {
  /** `file:line` of its declaration. */
  readonly at: string
  /** How the package exports it: `effect-managers/promise#connect`, `effect-managers#Registry.define`. */
  readonly name: string
  readonly lacks: ReadonlyArray<"summary" | "@since" | "@category">
}

const docOf = (node: ts.Node) => {
  const parts = ts.getJSDocCommentsAndTags(node)
  const docs = parts.filter(ts.isJSDoc)
  const summary = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join("").trim()
  const tags = new Set(parts.flatMap((p) => (ts.isJSDoc(p) ? [...(p.tags ?? [])] : [p])).map((t) => t.tagName.text))
  return { summary, tags }
}

// A module's own comment: the first doc comment of the file, before its first statement.
const moduleDocOf = (file: ts.SourceFile) => {
  const first = file.statements[0]
  return first === undefined ? { summary: "", tags: new Set<string>() } : docOf(first)
}

const isModule = (symbol: ts.Symbol) => symbol.declarations?.some(ts.isSourceFile) === true

/** Every public name that lacks a summary, `@since` or `@category`. */
export const missingDocs = (): ReadonlyArray<Missing> => {
  const entries = entryPoints()
  const { config } = ts.readConfigFile(join(root, "tsconfig.build.json"), ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root)
  const program = ts.createProgram(entries.map((e) => join(root, e.source)), { ...options, noEmit: true })
  const checker = program.getTypeChecker()
  const out: Array<Missing> = []
  const seen = new Set<ts.Symbol>()

  const where = (node: ts.Node) => {
    const file = node.getSourceFile()
    return `${relative(root, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`
  }

  const visit = (module: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const name = `${prefix}${exported.name}`
      if (isModule(symbol)) {
        const file = symbol.declarations!.find(ts.isSourceFile)!
        const { summary, tags } = moduleDocOf(file)
        const lacks = [...(summary === "" ? ["summary" as const] : []), ...(tags.has("since") ? [] : ["@since" as const])]
        if (lacks.length > 0) out.push({ at: `${relative(root, file.fileName)}:1`, name, lacks })
        if (!seen.has(symbol)) {
          seen.add(symbol)
          visit(symbol, `${name}.`)
        }
        continue
      }
      const declaration = symbol.declarations?.[0]
      if (declaration === undefined) continue
      const { summary, tags } = docOf(ts.isVariableDeclaration(declaration) ? declaration : declaration)
      const lacks = [
        ...(summary === "" ? ["summary" as const] : []),
        ...(tags.has("since") ? [] : ["@since" as const]),
        ...(tags.has("category") ? [] : ["@category" as const])
      ]
      if (lacks.length > 0) out.push({ at: where(declaration), name, lacks })
    }
  }

  for (const entry of entries) {
    const file = program.getSourceFile(join(root, entry.source))!
    const { summary, tags } = moduleDocOf(file)
    if (summary === "" || !tags.has("since")) out.push({ at: `${entry.source}:1`, name: entry.specifier, lacks: ["summary", "@since"] })
    visit(checker.getSymbolAtLocation(file)!, `${entry.specifier}#`)
  }
  // A name exported twice (from the root and a namespace) is reported once, at its declaration.
  return [...new Map(out.map((m) => [m.at, m])).values()]
}
