/**
 * `npm run docs` runs this before TypeDoc: every TSDoc example in src and
 * every TypeScript block of README type-checks against the sources, and every
 * public export has a summary, `@since` and `@category`; otherwise the docs
 * build fails, naming each file and line.
 */
import { checkAgainstSources, readmeExamples, sourceExamples } from "./examples.ts"
import { missingDocs } from "./tsdoc.ts"

const examples = [...sourceExamples(), ...readmeExamples()]
const errors = [
  ...(await checkAgainstSources(examples)),
  ...missingDocs().map((m) => `${m.at}: ${m.name} has no ${m.lacks.join(", ")}`)
]
if (errors.length > 0) {
  process.stderr.write(`${errors.join("\n")}\n${errors.length} problem(s) in the docs\n`)
  process.exit(1)
}
process.stdout.write(`${examples.length} examples type-check; every public export is documented\n`)
