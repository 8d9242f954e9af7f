import { Effect } from "effect"
import * as ManagerClient from "./src/layers/ManagerClient.ts"
import * as NodeTransport from "./src/layers/NodeTransport.ts"
const address = process.argv[2]!
Effect.runPromise(Effect.gen(function*() {
  const m = yield* ManagerClient.make({ address, authkey: new TextEncoder().encode("k") })
  const d = yield* m.dict<string, string>()
  for (let i = 0; i < 5000; i++) { yield* d.set("k", "v"); yield* d.getItem("k") }
  const c0 = process.cpuUsage(); const t = performance.now()
  let n = 0
  while (performance.now() - t < 2000) { for (let i = 0; i < 100; i++) { yield* d.set("k", "v"); yield* d.getItem("k") } n += 100 }
  const c = process.cpuUsage(c0)
  console.log(`pairs/s ${(n / ((performance.now() - t) / 1000)).toFixed(0)} client cpu µs/call user ${(c.user / (2*n)).toFixed(2)} sys ${(c.system / (2*n)).toFixed(2)}`)
}).pipe(Effect.scoped, Effect.provide(NodeTransport.layer)))
