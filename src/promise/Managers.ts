/**
 * The three forms of a manager, for code that does not use Effect: connected
 * to one that runs elsewhere, started in a child process, or in this
 * process. Each resolves to a PromiseManager once it is ready.
 *
 * @since 0.1.0
 */
import { Layer } from "effect"
import * as InProcessManager from "../layers/InProcessManager.ts"
import * as ManagerClient from "../layers/ManagerClient.ts"
import * as NodeTransport from "../layers/NodeTransport.ts"
import * as StartedManager from "../layers/StartedManager.ts"
import { fromLayer, type PromiseManager } from "./PromiseManager.ts"

/**
 * Connects to the manager at `options.address` (CPython's
 * `BaseManager.connect()`). Rejects with ManagerUnavailable,
 * AuthenticationError or LimitExceeded.
 *
 * @example
 * ```ts
 * import { connect } from "effect-managers/promise"
 *
 * const authkey = new TextEncoder().encode(process.env["MANAGER_AUTHKEY"] ?? "")
 * await using manager = await connect({ address: "tcp:127.0.0.1:5000", authkey })
 * await using jobs = await manager.Queue<string>()
 * await jobs.put("resize cat.png")
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const connect = (options: ManagerClient.ClientOptions): Promise<PromiseManager> =>
  fromLayer(ManagerClient.layer(options).pipe(Layer.provide(NodeTransport.layer)))

/**
 * Starts a manager in a child Node process and connects to it (CPython's
 * `BaseManager.start()`); `close()` shuts it down. Rejects with StartError.
 *
 * @example
 * ```ts
 * import { start } from "effect-managers/promise"
 *
 * await using manager = await start({ shutdownTimeout: "1 second" })
 * await using lock = await manager.Lock()
 * await lock.withLock(async () => console.log("held across processes"))
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const start = (options: StartedManager.StartOptions = {}): Promise<PromiseManager> => fromLayer(StartedManager.layer(options))

/**
 * A manager and its server in this process, joined in memory.
 *
 * @example
 * ```ts
 * import { inProcess } from "effect-managers/promise"
 *
 * await using manager = await inProcess()
 * await using seen = await manager.dict<string, number>()
 * await seen.set("cat.png", 1)
 * console.log(await seen.items()) // [ [ 'cat.png', 1 ] ]
 * ```
 * @since 0.1.0
 * @category constructors
 */
export const inProcess = (options: InProcessManager.InProcessOptions = {}): Promise<PromiseManager> =>
  fromLayer(InProcessManager.layer(options))
