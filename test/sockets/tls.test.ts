/**
 * TLS for TCP: a self-signed certificate made at test time; the client
 * verifies the server, and refuses a certificate it does not trust.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as ManagerClient from "../../src/layers/ManagerClient.ts"
import * as MemoryBackend from "../../src/layers/memory/MemoryBackend.ts"
import * as NodeTransport from "../../src/layers/NodeTransport.ts"
import * as ServerLive from "../../src/layers/ServerLive.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import * as Registry from "../../src/services/Registry.ts"

const dir = mkdtempSync(join(tmpdir(), "effect-managers-tls-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const selfSigned = (name: string) => {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.crt`)
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"
  ], { stdio: "ignore" })
  return { key, cert }
}

const authkey = new TextEncoder().encode("tls key")
const deps = Layer.mergeAll(NodeTransport.layer, MemoryBackend.layer, Registry.layer(SyncManagerTypes.all))

it.live("a TLS manager serves clients that trust its certificate and is refused by the others", () =>
  Effect.gen(function*() {
    const server = selfSigned("server")
    const other = selfSigned("other")
    const s = yield* ServerLive.make({ address: "tcp:127.0.0.1:0", authkey, tls: server }).pipe(Effect.provide(deps))
    const m = yield* ManagerClient.make({ address: s.address, authkey, tls: { ca: server.cert, servername: "localhost" } }).pipe(
      Effect.provide(NodeTransport.layer)
    )
    const d = yield* m.dict<string, string>()
    yield* d.set("secret", "over TLS")
    expect(yield* d.getItem("secret")).toBe("over TLS")
    const refused = yield* Effect.flip(Effect.scoped(
      ManagerClient.make({ address: s.address, authkey, tls: { ca: other.cert, servername: "localhost" } }).pipe(
        Effect.provide(NodeTransport.layer)
      )
    ))
    expect(refused._tag).toBe("ManagerUnavailable")
    expect(String((refused as { cause?: { cause?: { code?: string } } }).cause?.cause?.code)).toMatch(/CERT|SIGNATURE|SELF_SIGNED/)
    const plain = yield* Effect.flip(Effect.scoped(
      ManagerClient.make({ address: s.address, authkey }).pipe(Effect.provide(NodeTransport.layer), Effect.timeout("3 seconds"))
    ))
    expect(["TimeoutError", "ManagerUnavailable"]).toContain(plain._tag)
  }).pipe(Effect.scoped))
