/**
 * The LocalObjects of a server: calls a referent makes to the other objects
 * of its server go through Dispatch, as a client's would (exposed methods
 * only, nested proxies counted), with the server's own caller.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { RemoteError } from "../../domain/ManagerErrors.ts"
import { localCaller } from "../../domain/Referent.ts"
import type { Outcome } from "../../domain/Outcome.ts"
import { hasToken } from "../../domain/TokenWalk.ts"
import type { LocalObjectsShape } from "../../services/LocalObjects.ts"
import { call, type DispatchContext } from "./Dispatch.ts"

const settle = (ctx: DispatchContext, outcome: Outcome): Effect.Effect<unknown, unknown> => {
  switch (outcome._tag) {
    case "Return":
      return Effect.succeed(outcome.value)
    case "Error":
      return Effect.fail(outcome.error)
    case "Traceback":
      return Effect.fail(new RemoteError({ text: outcome.text }))
    case "Proxy":
      // Nobody takes the new object: its reference goes back at once.
      return Effect.as(Effect.ignore(ctx.objects.decref(outcome.token.id, localCaller.session)), null)
    case "Interrupted":
      return Effect.interrupt
  }
}

/**
 * The LocalObjects of the server whose dispatch context `ctx` gives (read
 * when a call is made, so a server can hand it to its factories before its
 * context is complete).
 *
 * @category constructors
 * @since 0.1.0
 */
export const make = (ctx: () => DispatchContext): LocalObjectsShape => ({
  call: (token, method, args) =>
    Effect.suspend(() => {
      const c = ctx()
      if (token.address !== c.address) {
        return Effect.fail(new RemoteError({ text: `ValueError: ${token.typeid} ${token.id} is an object of ${token.address}, not of this manager (${c.address})` }))
      }
      const outcome = call(c, localCaller, token.id, method, args, null)
      const after = (o: Outcome) =>
        // What the object holds may have changed: proxies stored in it are references.
        c.objects.get(token.id)?.mayHoldRefs === true || hasToken(args)
          ? Effect.andThen(c.objects.updateChildren(token.id), settle(c, o))
          : settle(c, o)
      return Effect.isEffect(outcome) ? Effect.flatMap(outcome, after) : after(outcome)
    }),
  owns: (token) => {
    const c = ctx()
    return token.address === c.address && c.objects.get(token.id) !== undefined
  },
  updateChildren: (id) => Effect.suspend(() => ctx().objects.updateChildren(id))
})
