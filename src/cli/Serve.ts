/**
 * The `serve` program: a manager on an address, serving SyncManager's types
 * and any registered in a module, until a client asks it to shut down or a
 * signal arrives. It prints `listening ADDR` (with the real port) as its first
 * line, which is how a parent process learns the address.
 *
 * @since 0.1.0
 */
import { setFlagsFromString } from "node:v8"
import { Deferred, Effect, Layer } from "effect"
import * as Backends from "../layers/Backends.ts"
import * as NodeTransport from "../layers/NodeTransport.ts"
import * as ServerLive from "../layers/ServerLive.ts"
import * as SyncManagerTypes from "../layers/SyncManagerTypes.ts"
import * as Registry from "../services/Registry.ts"
import type { ServerOptions } from "../services/Server.ts"
import { loadExport, ModuleLoadError } from "../layers/process/ModuleExport.ts"

/** The server's own options (limits, TLS, leases), and how the process around it behaves. @since 0.1.0 */
export interface ServeOptions extends ServerOptions {
  /** Where the objects' counts and state are kept: `memory` (the default). */
  readonly backend?: string | undefined
  /** `MODULE#EXPORT` of the types to serve besides SyncManager's. */
  readonly registry?: string | undefined
  /** `MODULE#EXPORT` of a function run in the server before it serves. */
  readonly initializer?: string | undefined
  readonly initializerArgs?: ReadonlyArray<unknown> | undefined
  /** Shut down when stdin closes: the parent that started us is gone. */
  readonly exitWithParent?: boolean | undefined
  /** Ignore SIGINT (a Ctrl-C reaches the whole process group; the parent decides). */
  readonly ignoreSigint?: boolean | undefined
  /** Run V8 in its size-optimized mode (default true; this is a process-wide flag). */
  readonly optimizeForSize?: boolean | undefined
  /** Where `listening ADDR` goes (default: stdout). */
  readonly announce?: ((line: string) => void) | undefined
}

const isTypeDef = (u: unknown): u is Registry.TypeDef =>
  typeof u === "object" && u !== null && typeof (u as { typeid?: unknown }).typeid === "string"

/**
 * The TypeDefs an export holds: a TypeDef, an array or record of them, or a
 * Registry.
 *
 * @since 0.1.0
 */
export const typesOf = (specifier: string, u: unknown): Effect.Effect<ReadonlyArray<Registry.TypeDef>, ModuleLoadError> => {
  if (isTypeDef(u)) return Effect.succeed([u])
  if (Array.isArray(u) && u.every(isTypeDef)) return Effect.succeed(u)
  if (typeof u === "object" && u !== null) {
    const types = (u as { types?: unknown }).types
    if (Array.isArray(types) && types.every(isTypeDef)) return Effect.succeed(types)
    const values = Object.values(u)
    if (values.length > 0 && values.every(isTypeDef)) return Effect.succeed(values)
  }
  return Effect.fail(new ModuleLoadError({ specifier, reason: "the export is not a TypeDef, a list of them, or a Registry" }))
}

const runInitializer = (specifier: string, args: ReadonlyArray<unknown>) =>
  Effect.flatMap(loadExport(specifier), (f) => {
    if (typeof f !== "function") return Effect.fail(new ModuleLoadError({ specifier, reason: "initializer must be a callable" }))
    return Effect.suspend(() => {
      const r = f(...args)
      if (Effect.isEffect(r)) return Effect.asVoid(r as Effect.Effect<unknown, unknown>)
      if (r instanceof Promise) return Effect.asVoid(Effect.tryPromise({ try: () => r, catch: (e) => e }))
      return Effect.void
    }).pipe(Effect.mapError((e) => new ModuleLoadError({ specifier, reason: `the initializer failed: ${String((e as Error)?.message ?? e)}` })))
  })

/**
 * Serves until shutdown; completes once the server has stopped.
 *
 * @since 0.1.0
 */
export const serve = (options: ServeOptions) =>
  Effect.gen(function*() {
    // A manager holds many small objects for a long time: V8's size-optimized mode
    // keeps the heap a quarter of the size (bench: 520 against 2,100 bytes per dict)
    // at no measurable cost per call.
    if (options.optimizeForSize !== false) setFlagsFromString("--optimize-for-size")
    const extra = options.registry === undefined
      ? []
      : yield* Effect.flatMap(loadExport(options.registry), (u) => typesOf(options.registry!, u))
    if (extra.length > 0) yield* Effect.logDebug(`registry ${options.registry}: ${extra.map((t) => t.typeid).join(", ")}`)
    if (options.initializer !== undefined) {
      yield* runInitializer(options.initializer, options.initializerArgs ?? [])
      yield* Effect.logDebug(`initializer ${options.initializer} ran`)
    }
    // Why the server stops, for the log.
    const stop = yield* Deferred.make<string>()
    const onSignal = (signal: NodeJS.Signals) => () => {
      if (signal === "SIGINT" && options.ignoreSigint === true) return
      Deferred.doneUnsafe(stop, Effect.succeed(signal))
    }
    const handlers = (["SIGINT", "SIGTERM"] as const).map((s) => [s, onSignal(s)] as const)
    for (const [s, h] of handlers) process.on(s, h)
    const onStdinEnd = () => Deferred.doneUnsafe(stop, Effect.succeed("the parent process is gone"))
    if (options.exitWithParent === true) {
      process.stdin.on("end", onStdinEnd)
      process.stdin.on("error", onStdinEnd)
      process.stdin.resume()
    }
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const [s, h] of handlers) process.off(s, h)
        if (options.exitWithParent === true) {
          process.stdin.off("end", onStdinEnd)
          process.stdin.pause()
        }
      })
    )
    const backend = yield* Backends.fromSpec(options.backend ?? "memory")
    const deps = Layer.mergeAll(
      NodeTransport.layer,
      backend,
      Registry.layer([...SyncManagerTypes.all, ...extra])
    )
    const {
      registry: _r,
      initializer: _i,
      initializerArgs: _a,
      exitWithParent: _e,
      ignoreSigint: _s,
      optimizeForSize: _o,
      backend: _b,
      announce,
      ...serverOptions
    } = options
    const server = yield* ServerLive.make(serverOptions).pipe(Effect.provide(deps))
    ;(announce ?? ((line) => process.stdout.write(`${line}\n`)))(`listening ${server.address}`)
    const reason = yield* Effect.raceFirst(Effect.as(server.awaitShutdown, "a client asked"), Deferred.await(stop))
    yield* Effect.logDebug(`shutting down: ${reason}`)
    yield* server.shutdown
    yield* Effect.logDebug("stopped")
  }).pipe(Effect.scoped)
