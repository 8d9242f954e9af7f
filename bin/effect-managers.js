#!/usr/bin/env node
// The command line. An installed package (anything under node_modules, where
// Node will not strip types) runs its compiled build; a checkout runs the
// TypeScript sources, so a stale dist/ there never shadows src/.
import { existsSync } from "node:fs"
import { sep } from "node:path"
import { fileURLToPath } from "node:url"

const source = new URL("../src/cli/main.ts", import.meta.url)
const built = new URL("../dist/cli/main.js", import.meta.url)
const installed = fileURLToPath(import.meta.url).split(sep).includes("node_modules")
const { main } = await import(!installed && existsSync(source) ? source.href : built.href)
await main()
