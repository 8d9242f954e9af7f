/**
 * Tasks that use Effect: a function that returns an Effect (run by the
 * worker, its typed failure sent back as itself) and one that throws the
 * package's own KeyError class.
 */
import { Data, Effect } from "effect"
import { KeyError } from "../../src/domain/PythonErrors.ts"

export class Overdrawn extends Data.TaggedError("Overdrawn")<{ readonly balance: number }> {}

/** An Effect whose failure is typed. */
export const withdraw = (balance: number, amount: number) =>
  amount > balance ? Effect.fail(new Overdrawn({ balance })) : Effect.succeed(balance - amount)

/** An Effect that dies: a defect comes back as a TaskError. */
export const defect = () => Effect.die(new RangeError("no such account"))

/** CPython's raising(), with the package's KeyError. */
export const raising = () => {
  throw KeyError.make("key")
}
