/**
 * The proxy of a shared iterator: `next` until StopIteration.
 *
 * @since 0.1.0
 */
import { Effect, Option } from "effect"
import type { CallError } from "../domain/ManagerErrors.ts"
import type { StopIteration } from "../domain/PythonErrors.ts"
import { BaseProxy } from "./BaseProxy.ts"

/** The proxy of a shared iterator (a generator, the iterator of a container, a Pool's imap), whose items are A and whose `next` may also fail with E. @category proxies @since 0.1.0 */
export class IteratorProxy<A = unknown, E = never> extends BaseProxy {
  /** The next item, or StopIteration when done. */
  next(): Effect.Effect<A, StopIteration | E | CallError> {
    return this.call("__next__")
  }
  /** The next item, or none when done. */
  nextOption(): Effect.Effect<Option.Option<A>, E | CallError> {
    return this.next().pipe(
      Effect.map(Option.some),
      Effect.catchTag("StopIteration", () => Effect.succeed(Option.none<A>()))
    )
  }
  /** Every remaining item (one round trip each, as CPython's iteration). */
  toArray(): Effect.Effect<Array<A>, E | CallError> {
    const out: Array<A> = []
    const loop: Effect.Effect<Array<A>, E | CallError> = Effect.flatMap(this.nextOption(), (item) => {
      if (Option.isNone(item)) return Effect.succeed(out)
      out.push(item.value)
      return loop
    })
    return loop
  }
  close(): Effect.Effect<void, CallError> {
    return this.call("close")
  }
}
