/**
 * How a Promise manager runs calls: each in a scope of its own under the
 * manager's, so that proxies in its result are released by their own
 * `releaseProxy` or, at the latest, when the manager closes. One rule for
 * every path: a reference goes back once, when its proxy is released or its
 * manager closes, whichever comes first.
 *
 * Each call runs on a fiber of its own, so the caller the server's locks
 * see is not the fiber: calls outside any `withLock` are the manager's one
 * caller, and each outermost `withLock` body (and what it awaits) is a new
 * one, so concurrent bodies exclude each other on an RLock as threads do.
 *
 * @since 0.1.0
 */
import { AsyncLocalStorage } from "node:async_hooks"
import { Cause, Duration, Effect, Exit, type ManagedRuntime, Scope } from "effect"
import { CallTimeout, ConnectionLost } from "../domain/ManagerErrors.ts"
import type { BaseProxy } from "../proxy/BaseProxy.ts"
import { CurrentCaller } from "../domain/ProxyCore.ts"
import type { CallOptions } from "./CallPromise.ts"
import * as PromiseProxy from "./PromiseProxy.ts"
import { mapProxies } from "./Values.ts"

/**
 * A manager's calls, and closing them all.
 *
 * @since 0.1.0
 * @category models
 */
export interface ManagerCalls extends PromiseProxy.Calls {
  /** Releases every proxy still held, then disposes of the runtime. Runs once. */
  readonly close: () => Promise<void>
}

// The proxies of one call's result share its scope, which closes when the last of them is released.
interface Group {
  readonly scope: Scope.Closeable
  readonly live: Set<BaseProxy>
}

const withTimeout = <A, E, R>(effect: Effect.Effect<A, E, R>, options: CallOptions, method: string) => {
  if (options.timeout === undefined) return effect
  const duration = Duration.fromInputUnsafe(options.timeout)
  return Effect.timeoutOrElse(effect, {
    duration,
    orElse: () => Effect.fail(new CallTimeout({ method, millis: Duration.toMillis(duration) }))
  })
}

/**
 * The calls of a manager whose layer `runtime` built, at `address`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (runtime: ManagedRuntime.ManagedRuntime<any, unknown>, address: string): ManagerCalls => {
  const root = Scope.makeUnsafe()
  const groups = new Map<BaseProxy, Group>()
  let closing: Promise<void> | undefined
  let closed = false
  // Negative, so that no caller of ours is one of the fibers an Effect client in the same session calls from.
  const defaultCaller = -1
  let nextCaller = -2
  const caller = new AsyncLocalStorage<number>()

  // After close the runtime is gone; a released proxy still answers ProxyReleased without it.
  const runExit = <A, E>(effect: Effect.Effect<A, E>, signal: AbortSignal | undefined) => {
    const options = signal === undefined ? undefined : { signal }
    return closed ? Effect.runPromiseExit(effect, options) : runtime.runPromiseExit(effect, options)
  }

  const rejection = (cause: Cause.Cause<unknown>, signal: AbortSignal | undefined): unknown => {
    if (!Cause.hasInterruptsOnly(cause)) return Cause.squash(cause)
    if (signal?.aborted === true) return signal.reason
    // Interrupted by nothing the caller did: the manager closed under the call.
    return new ConnectionLost({ address })
  }

  const adopt = (value: unknown, scope: Scope.Closeable): Effect.Effect<unknown> =>
    Effect.suspend(() => {
      const found: Array<BaseProxy> = []
      const result = mapProxies(value, (proxy) => {
        found.push(proxy)
        return PromiseProxy.make(proxy, calls)
      })
      if (found.length === 0) return Effect.as(Scope.close(scope, Exit.void), result)
      const group: Group = { scope, live: new Set(found) }
      for (const proxy of found) groups.set(proxy, group)
      return Effect.succeed(result)
    })

  const calls: ManagerCalls = {
    run: async (effect, options, method) => {
      // The runtime would start the call and interrupt it after it was sent.
      if (options.signal?.aborted === true) throw options.signal.reason
      const scope = Scope.forkUnsafe(root)
      // Whatever happens to the call, its scope is closed or handed to the proxies it made.
      const call = withTimeout(effect, options, method).pipe(
        Scope.provide(scope),
        Effect.provideService(CurrentCaller, caller.getStore() ?? defaultCaller)
      ) as Effect.Effect<unknown, unknown>
      const program = Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(Effect.exit(restore(call)), (exit): Effect.Effect<Exit.Exit<unknown, unknown>> =>
          Exit.isSuccess(exit)
            ? Effect.map(adopt(exit.value, scope), Exit.succeed)
            : Effect.as(Scope.close(scope, exit), exit))
      )
      const outer = await runExit(program, options.signal)
      const exit = Exit.isSuccess(outer) ? outer.value : outer
      if (Exit.isSuccess(exit)) return exit.value
      throw rejection(exit.cause, options.signal)
    },
    release: async (proxy) => {
      await runExit(
        Effect.andThen(proxy.releaseProxy, () => {
          const group = groups.get(proxy)
          if (group === undefined) return Effect.void
          groups.delete(proxy)
          group.live.delete(proxy)
          return group.live.size === 0 ? Scope.close(group.scope, Exit.void) : Effect.void
        }),
        undefined
      )
    },
    asOneCaller: (f) => {
      const id = caller.getStore() ?? nextCaller--
      const enter = <B>(g: () => B): B => caller.run(id, g)
      return enter(() => f(enter))
    },
    close: () =>
      closing ??= (async () => {
        // Give back every reference while the connection is there to carry the decrefs.
        await runExit(Scope.close(root, Exit.void), undefined)
        groups.clear()
        closed = true
        await runtime.dispose()
      })()
  }
  return calls
}
