/**
 * A manager in a child Node process that this one starts (CPython's
 * `BaseManager.start()`): the server runs `effect-managers serve` under
 * `process.execPath`, with the registry given as a module specifier and
 * export, and an optional initializer run there before it serves.
 *
 * Shutdown sends `shutdown`, waits `shutdownTimeout`, then SIGTERM, then
 * SIGKILL; the exit code is 0 when it was graceful. The server ignores SIGINT
 * (a Ctrl-C reaches the whole process group; the parent decides), and exits
 * when this process's end of its stdin closes, so a parent that dies takes its
 * manager with it.
 *
 * @since 0.1.0
 */
import { randomBytes } from "node:crypto"
import { unlinkSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Data, Duration, Effect, Exit, Layer, Option, Scope, Stream } from "effect"
import { ChildProcess, type ChildProcessSpawner } from "effect/process"
import { formatAuthkey } from "./process/Authkey.ts"
import { parseAddress } from "../domain/Address.ts"
import { type ModuleExport, resolveModuleExport } from "./process/ModuleExport.ts"
import { layerFromBase, type ManagerShape } from "../proxy/Manager.ts"
import type { TypeDef } from "../services/Registry.ts"
import * as ManagerClient from "./ManagerClient.ts"
import * as NodeTransport from "./NodeTransport.ts"

/**
 * The manager cannot be started: it already was, it was shut down, or its
 * process failed to come up.
 *
 * @category errors
 * @since 0.1.0
 */
export class StartError extends Data.TaggedError("StartError")<{
  readonly reason: string
  readonly cause?: unknown
}> {
  override get message(): string {
    return this.reason
  }
}

/** Options of a started manager: where it listens, its key, what it serves, and how it shuts down. @category models @since 0.1.0 */
export interface StartOptions {
  /** Where the server listens (default: a fresh Unix socket in the temp directory). */
  readonly address?: string | undefined
  /** The shared key (default: 32 random bytes). */
  readonly authkey?: Uint8Array | undefined
  /** The types to serve besides SyncManager's: a module and export (`./types.ts#types`; a relative path is taken from the working directory). */
  readonly registry?: string | ModuleExport | undefined
  /** The same types, for the client's typed proxies. */
  readonly types?: Iterable<TypeDef> | undefined
  /** A function run in the server process before it serves, and its JSON arguments. */
  readonly initializer?: string | ModuleExport | undefined
  readonly initializerArgs?: ReadonlyArray<unknown> | undefined
  /** How long a shutdown request may take before SIGTERM (default 1 second, as CPython). */
  readonly shutdownTimeout?: Duration.Input | undefined
  readonly leaseGrace?: Duration.Input | undefined
  readonly maxFrameSize?: number | undefined
  /** Where the server keeps its objects: `memory` (the default), or another backend's spec. */
  readonly backend?: string | undefined
}

/** How the server process ended. @category models @since 0.1.0 */
export interface Stopped {
  /** 0 after a graceful shutdown; otherwise the exit code, or undefined when a signal ended it. */
  readonly exitCode: number | undefined
  readonly graceful: boolean
  readonly signal: "SIGTERM" | "SIGKILL" | undefined
}

/** A manager process: started once, shut down once, with its address and pid. @category models @since 0.1.0 */
export interface ManagerProcess {
  /** Starts the server and connects to it. Fails when started before or shut down. */
  readonly start: Effect.Effect<ManagerShape, StartError>
  /** Shuts the server down; a second call gives the first one's outcome. */
  readonly shutdown: Effect.Effect<Stopped>
  readonly state: () => "initial" | "started" | "shutdown"
  /** The server's address, once started. */
  readonly address: () => string | undefined
  /** The server process's pid, once started. */
  readonly pid: () => number | undefined
  readonly authkey: Uint8Array
}

export type { ModuleExport } from "./process/ModuleExport.ts"

const removeSocketFile = (address: string) => {
  const parsed = parseAddress(address)
  if (parsed?._tag !== "unix" || parsed.path.startsWith("\0")) return
  try {
    unlinkSync(parsed.path)
  } catch {
    // Already gone: the server removed it on its way out.
  }
}

// The command line's own entry: it runs the build when installed, the sources in a checkout.
const binPath = fileURLToPath(new URL("../../bin/effect-managers.js", import.meta.url))

// The child may not share our working directory's meaning: a relative module is the caller's.
const spec = (m: string | ModuleExport) => resolveModuleExport(m)

const secondsOf = (d: Duration.Input) => Duration.toMillis(Duration.fromInputUnsafe(d)) / 1000

/**
 * A manager process, not yet started. Closing the scope shuts it down.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { StartedManager } from "effect-managers"
 *
 * const program = Effect.gen(function*() {
 *   const process = yield* StartedManager.make({ registry: "./types.ts#types" })
 *   const manager = yield* process.start
 *   const q = yield* manager.Queue<string>()
 *   yield* q.put("hello")
 * }).pipe(Effect.scoped, Effect.provide(StartedManager.services))
 * ```
 * @category constructors
 * @since 0.1.0
 */
export const make = (options: StartOptions = {}) =>
  Effect.gen(function*() {
    const outer = yield* Effect.scope
    const spawner = yield* Effect.context<ChildProcessSpawner.ChildProcessSpawner>()
    const authkey = options.authkey ?? randomBytes(32)
    const shutdownTimeout = options.shutdownTimeout ?? Duration.seconds(1)
    let state: "initial" | "started" | "shutdown" = "initial"
    let address: string | undefined
    let pid: number | undefined
    let stopped: Stopped | undefined
    let stop: Effect.Effect<Stopped> = Effect.succeed({ exitCode: undefined, graceful: true, signal: undefined })

    const start = Effect.gen(function*() {
      if (state === "started") return yield* new StartError({ reason: "Already started server" })
      if (state === "shutdown") return yield* new StartError({ reason: "Manager has shut down" })
      state = "started"
      const scope = yield* Scope.fork(outer)
      const args = [
        binPath,
        "serve",
        "--address",
        options.address ?? `unix:${join(tmpdir(), `effect-managers-${randomBytes(6).toString("hex")}.sock`)}`,
        "--exit-with-parent",
        "--ignore-sigint"
      ]
      if (options.registry !== undefined) args.push("--registry", spec(options.registry))
      if (options.initializer !== undefined) {
        args.push("--initializer", spec(options.initializer), "--initializer-args", JSON.stringify(options.initializerArgs ?? []))
      }
      if (options.leaseGrace !== undefined) args.push("--lease-grace", String(secondsOf(options.leaseGrace)))
      if (options.maxFrameSize !== undefined) args.push("--max-frame-size", String(options.maxFrameSize))
      if (options.backend !== undefined) args.push("--backend", options.backend)
      const handle = yield* ChildProcess.make(process.execPath, args, {
        env: { MANAGER_AUTHKEY: formatAuthkey(authkey) },
        extendEnv: true,
        stdin: "pipe",
        stderr: "inherit",
        forceKillAfter: shutdownTimeout
      }).pipe(
        Scope.provide(scope),
        Effect.provide(spawner),
        Effect.mapError((cause) => new StartError({ reason: "cannot start the manager process", cause }))
      )
      pid = handle.pid
      const first = yield* handle.stdout.pipe(Stream.decodeText(), Stream.splitLines, Stream.runHead).pipe(
        Effect.mapError((cause) => new StartError({ reason: "the manager process failed", cause }))
      )
      const line = Option.getOrElse(first, () => "")
      if (!line.startsWith("listening ")) {
        yield* Scope.close(scope, Exit.void)
        return yield* new StartError({ reason: `the manager process did not start (${line || "no output"})` })
      }
      address = line.slice("listening ".length)
      const manager = yield* ManagerClient.make({ address, authkey, types: options.types }).pipe(
        Scope.provide(scope),
        Effect.provide(NodeTransport.layer),
        Effect.mapError((cause) => new StartError({ reason: "cannot connect to the manager process", cause }))
      )
      const exited = Effect.map(Effect.exit(handle.exitCode), (exit) => Exit.isSuccess(exit) ? Number(exit.value) : undefined)
      stop = Effect.gen(function*() {
        // Ask first; the process exits on its own once its server has stopped.
        yield* Effect.ignore(Effect.timeout(manager.shutdown, shutdownTimeout))
        const graceful = yield* Effect.timeoutOption(exited, shutdownTimeout)
        if (Option.isSome(graceful)) return { exitCode: graceful.value, graceful: graceful.value === 0, signal: undefined }
        yield* Effect.ignore(handle.kill({ killSignal: "SIGTERM", forceKillAfter: shutdownTimeout }))
        const after = yield* Effect.timeoutOption(exited, shutdownTimeout)
        return { exitCode: Option.getOrUndefined(after), graceful: false, signal: "SIGTERM" as const }
      }).pipe(
        Effect.ensuring(Scope.close(scope, Exit.void)),
        // A server that died could not remove its socket file: its parent does.
        Effect.ensuring(Effect.sync(() => removeSocketFile(address!)))
      )
      return manager
    })

    const shutdown = Effect.suspend(() => {
      if (stopped !== undefined) return Effect.succeed(stopped)
      const wasStarted = state === "started"
      state = "shutdown"
      if (!wasStarted) return Effect.succeed(stopped = { exitCode: undefined, graceful: true, signal: undefined })
      return Effect.tap(stop, (s) => Effect.sync(() => (stopped = s)))
    }).pipe(Effect.uninterruptible)

    yield* Effect.addFinalizer(() => shutdown)
    const processHandle: ManagerProcess = {
      start,
      shutdown,
      state: () => state,
      address: () => address,
      pid: () => pid,
      authkey
    }
    return processHandle
  })

/** What starting managers needs: Node's child processes. @category layers @since 0.1.0 */
export const services = NodeServices.layer

/**
 * A Manager whose server runs in a child process, started with the layer and
 * shut down when the layer's scope closes.
 *
 * @category layers
 * @since 0.1.0
 */
export const layer = (options: StartOptions = {}) =>
  layerFromBase(Effect.flatMap(make(options), (p) => p.start)).pipe(Layer.provide(services))
