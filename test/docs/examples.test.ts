/**
 * Every TSDoc example in src is a program that type-checks against the
 * sources (the README's blocks are checked against the packed package, in
 * test/package), and every public export is documented with a summary,
 * `@since` and `@category`. `npm run docs` runs the same checks before it
 * builds.
 */
import { describe, expect, it } from "vitest"
import { checkAgainstSources, markdownExamples, sourceExamples, tsdocExamples } from "../../scripts/examples.ts"
import { missingDocs } from "../../scripts/tsdoc.ts"

describe("the docs' examples", () => {
  it("every TSDoc example in src type-checks", async () => {
    const examples = sourceExamples()
    expect(examples.length).toBeGreaterThanOrEqual(30)
    expect(await checkAgainstSources(examples)).toEqual([])
  }, 60_000)

  it("every public export has a summary, @since and @category", () => {
    expect(missingDocs().map((m) => `${m.at}: ${m.name} has no ${m.lacks.join(", ")}`)).toEqual([])
  })

  it("a broken example fails, named by its file and line", async () => {
    const broken = tsdocExamples("src/Broken.ts", [
      "/**",
      " * @example",
      " * ```ts",
      " * import { Token } from \"effect-managers\"",
      " * const token: Token = new Token(\"dict\", 42, \"id\")",
      " * ```",
      " */"
    ].join("\n"))
    const errors = await checkAgainstSources(broken)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^src\/Broken\.ts:5:\d+: error TS2345/)
  }, 60_000)

  it("Markdown blocks keep their line, and a typecheck-only marker", () => {
    const blocks = markdownExamples("README.md", ["# t", "```ts", "one()", "```", "", "<!-- typecheck only: needs a peer -->", "```ts", "two()", "```"].join("\n"))
    expect(blocks.map((b) => [b.line, b.code, b.typecheckOnly])).toEqual([[3, "one()", false], [8, "two()", true]])
  })

  it("a block whose first line names a module is imported by that name by the others", async () => {
    const blocks = markdownExamples("README.md", [
      "```ts",
      "// shapes.ts: a module of the docs",
      "export const area = (side: number) => side * side",
      "```",
      "```ts",
      "const f: (side: number) => number = (await import(\"./shapes.ts\")).area",
      "const wrong: typeof import(\"./shapes.ts\").area = \"square\"",
      "```"
    ].join("\n"))
    expect(blocks.map((b) => b.module)).toEqual(["shapes.ts", undefined])
    const errors = await checkAgainstSources(blocks)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^README\.md:7:\d+: error TS2322/)
  }, 60_000)
})
