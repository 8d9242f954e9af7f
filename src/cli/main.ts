/**
 * The `effect-managers` command line: `serve` a manager, `inspect` one.
 *
 * @since 0.1.0
 */
import { readFileSync } from "node:fs"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, ConfigProvider, Console, Effect, Exit, Logger, Option, Redacted, Schema } from "effect"
import { CliError, Command, Flag } from "effect/cli"
import { defaultAuthkeyEnv, readAuthkey } from "../layers/process/Authkey.ts"
import { inspect } from "./Inspect.ts"
import { serve } from "./Serve.ts"

const address = Flag.String("address").pipe(
  Flag.withAlias("a"),
  Flag.withMetavar("ADDR"),
  Flag.withDescription("unix:/path/to.sock or tcp:host:port (port 0 picks a free one)")
)
const authkeyEnv = Flag.String("authkey-env").pipe(
  Flag.withMetavar("NAME"),
  Flag.withDescription(`environment variable holding the authkey (default ${defaultAuthkeyEnv}); never pass it in argv`),
  Flag.withDefault(defaultAuthkeyEnv)
)
const optionalString = (name: string, metavar: string, description: string) =>
  Flag.String(name).pipe(Flag.withMetavar(metavar), Flag.withDescription(description), Flag.optional)

const optionalNumber = (kind: "Int" | "Finite", name: string, metavar: string, description: string) =>
  Flag[kind](name).pipe(Flag.withMetavar(metavar), Flag.withDescription(description), Flag.optional)
const seconds = (o: Option.Option<number>) => Option.match(o, { onNone: () => undefined, onSome: (s) => `${s * 1000} millis` as const })

// Arguments travel to the initializer as JSON: an array of anything JSON holds.
const InitializerArgs = Schema.fromJsonString(Schema.Array(Schema.Unknown))

const serveCommand = Command.make("serve", {
  address,
  authkeyEnv,
  registry: optionalString("registry", "MODULE#EXPORT", "a module exporting the types to serve besides SyncManager's"),
  initializer: optionalString("initializer", "MODULE#EXPORT", "a function run in the server before it serves"),
  initializerArgs: Flag.String("initializer-args").pipe(
    Flag.withSchema(InitializerArgs),
    Flag.withMetavar("JSON"),
    Flag.withDescription("the initializer's arguments, as a JSON array"),
    Flag.withDefault([])
  ),
  backend: optionalString("backend", "SPEC", "where objects are kept: memory (the default)"),
  leaseGrace: optionalNumber("Finite", "lease-grace", "SECONDS", "how long a disconnected client's references are kept (default 3)"),
  maxFrameSize: optionalNumber("Int", "max-frame-size", "BYTES", "the largest frame accepted (default 67108864)"),
  maxObjectsPerSession: optionalNumber("Int", "max-objects-per-session", "N", "the most objects one client may hold (default 1000000)"),
  maxInFlight: optionalNumber("Int", "max-in-flight", "N", "requests in flight per connection before it stops being read (default 4096)"),
  maxConnections: optionalNumber("Int", "max-connections", "N", "connections served at once; more are refused (default 10000)"),
  idleTimeout: optionalNumber("Finite", "idle-timeout", "SECONDS", "close a connection silent for this long (default 30)"),
  handshakeTimeout: optionalNumber("Finite", "handshake-timeout", "SECONDS", "time a new connection has to authenticate and send its first frame, TLS included (default 5)"),
  maxPendingConnections: optionalNumber("Int", "max-pending-connections", "N", "connections authenticating at once; more are closed (default 128)"),
  tlsCert: optionalString("tls-cert", "FILE", "TLS certificate for tcp: addresses"),
  tlsKey: optionalString("tls-key", "FILE", "TLS private key for tcp: addresses"),
  strictAuth: Flag.Boolean("strict-auth").pipe(Flag.withDescription("refuse legacy HMAC-MD5 answers"), Flag.withDefault(false)),
  exitWithParent: Flag.Boolean("exit-with-parent").pipe(Flag.withDescription("shut down when stdin closes"), Flag.withDefault(false)),
  ignoreSigint: Flag.Boolean("ignore-sigint").pipe(Flag.withDescription("leave SIGINT to the parent process"), Flag.withDefault(false))
}, (flags) =>
  Effect.gen(function*() {
    const authkey = yield* readAuthkey(flags.authkeyEnv)
    const cert = Option.getOrUndefined(flags.tlsCert)
    const key = Option.getOrUndefined(flags.tlsKey)
    yield* serve({
      address: flags.address,
      authkey: Redacted.value(authkey),
      registry: Option.getOrUndefined(flags.registry),
      initializer: Option.getOrUndefined(flags.initializer),
      initializerArgs: flags.initializerArgs,
      backend: Option.getOrUndefined(flags.backend),
      leaseGrace: seconds(flags.leaseGrace),
      maxFrameSize: Option.getOrUndefined(flags.maxFrameSize),
      maxObjectsPerSession: Option.getOrUndefined(flags.maxObjectsPerSession),
      maxInFlight: Option.getOrUndefined(flags.maxInFlight),
      maxConnections: Option.getOrUndefined(flags.maxConnections),
      idleTimeout: seconds(flags.idleTimeout),
      handshakeTimeout: seconds(flags.handshakeTimeout),
      maxPendingConnections: Option.getOrUndefined(flags.maxPendingConnections),
      strictAuth: flags.strictAuth,
      tls: cert !== undefined && key !== undefined ? { cert, key } : undefined,
      exitWithParent: flags.exitWithParent,
      ignoreSigint: flags.ignoreSigint
    })
  })).pipe(Command.withDescription("Serve a manager (SyncManager's types, plus --registry's) on an address"))

const inspectCommand = Command.make("inspect", { address, authkeyEnv }, (flags) =>
  Effect.gen(function*() {
    const authkey = yield* readAuthkey(flags.authkeyEnv)
    yield* Console.log(yield* inspect({ address: flags.address, authkey: Redacted.value(authkey) }))
  })).pipe(Command.withDescription("Print a manager's live objects and their count"))

const root = Command.make("effect-managers").pipe(
  Command.withDescription("Python's multiprocessing.managers for Effect: shared objects served to fibers, processes and CPython peers"),
  Command.withSubcommands([serveCommand, inspectCommand])
)

// package.json sits two levels up from src/cli and from dist/cli alike.
const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { readonly version: string }).version

/** Runs the command line with `process.argv`; sets the exit code. @since 0.1.0 */
export const main = (): Promise<void> =>
  Effect.runPromiseExit(Command.run(root, { version: packageVersion() }).pipe(
    Effect.provide(NodeServices.layer),
    // stdout carries `listening ADDR` and the table; the log (--log-level) goes to stderr.
    Effect.provideService(Logger.LogToStderr, true),
    // An empty variable is the empty key, which is a valid key.
    Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ preserveEmptyStrings: true }))
  )).then((exit) => {
    if (Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause)) return
    const error = Cause.squash(exit.cause)
    // The command line has already printed its own errors, with the help.
    if (CliError.isCliError(error)) {
      process.exitCode = error._tag === "ShowHelp" && error.errors.length === 0 ? 0 : 1
      return
    }
    process.stderr.write(`effect-managers: ${(error as Error)?.message ?? String(error)}\n`)
    process.exitCode = 1
  })
