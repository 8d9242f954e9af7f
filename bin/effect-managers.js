#!/usr/bin/env node
// The command line. From a checkout it runs the TypeScript sources (Node 24
// strips the types); an installed package runs its compiled build.
import { existsSync } from "node:fs"

const built = new URL("../dist/cli/main.js", import.meta.url)
const source = new URL("../src/cli/main.ts", import.meta.url)
const { main } = await import(existsSync(source) ? source.href : built.href)
await main()
