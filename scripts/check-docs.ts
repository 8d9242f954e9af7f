/**
 * `npm run docs` runs this first: every TSDoc example in src and every
 * TypeScript block of README type-checks against the sources, or the docs
 * build fails naming the example's file and line.
 */
import { checkAgainstSources, readmeExamples, sourceExamples } from "./examples.ts"

const examples = [...sourceExamples(), ...readmeExamples()]
const errors = await checkAgainstSources(examples)
if (errors.length > 0) {
  process.stderr.write(`${errors.join("\n")}\n${errors.length} error(s) in the docs' examples\n`)
  process.exit(1)
}
process.stdout.write(`${examples.length} examples type-check\n`)
