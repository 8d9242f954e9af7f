/**
 * Registered types through the Promise API, mirroring
 * test/inprocess/my-manager.test.ts: typed Promise proxies from the class,
 * Promise and Effect results, the referent's own tagged error as the
 * rejection, defects as RemoteError.
 */
import { Data, Effect } from "effect"
import { describe, expect, it } from "vitest"
import { RemoteError, ValueError } from "../../src/index.ts"
import type { Rejection } from "../../src/promise/index.ts"
import * as Registry from "../../src/services/Registry.ts"
import { assertType, sharedManager } from "./support.ts"

class Overdrawn extends Data.TaggedError("Overdrawn")<{ readonly balance: number; readonly message: string }> {}

class Account {
  balance: number
  constructor(opening: number) {
    this.balance = opening
  }
  withdraw(amount: number): Effect.Effect<number, Overdrawn> {
    if (amount > this.balance) {
      return Effect.fail(new Overdrawn({ balance: this.balance, message: `balance ${this.balance} < ${amount}` }))
    }
    this.balance -= amount
    return Effect.succeed(this.balance)
  }
  async deposit(amount: number): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, 1))
    this.balance += amount
    return this.balance
  }
  check(): number {
    if (this.balance < 0) throw ValueError.make("negative balance")
    return this.balance
  }
  crash(): number {
    throw new Error("a bug in the referent")
  }
}

const AccountType = Registry.define("Account", { create: (opening: number) => new Account(opening), errors: [Overdrawn] })
const shared = new Account(100)
const SharedAccount = Registry.alias("shared_account", AccountType, () => shared)

const manager = sharedManager({ types: [AccountType, SharedAccount] })

describe("registered types", () => {
  it("typed Promise proxies: Effect and Promise results, the referent's tagged error, defects as RemoteError", async () => {
    await using account = await manager().create(AccountType, 10)
    const left: number = await account.withdraw(3)
    expect(left).toBe(7)
    expect(await account.deposit(5)).toBe(12)
    expect(await account.check()).toBe(12)
    const overdrawn = await account.withdraw(100).then(() => undefined, (e: unknown) => e)
    expect(overdrawn).toBeInstanceOf(Overdrawn)
    expect(overdrawn).toMatchObject({ _tag: "Overdrawn", balance: 12 })
    assertType<Overdrawn extends Rejection<typeof account.withdraw> ? true : false>(true)
    const crash = await account.crash().then(() => undefined, (e: unknown) => e)
    expect(crash).toBeInstanceOf(RemoteError)
    expect((crash as RemoteError).message).toContain("Error: a bug in the referent")
  })

  it("register('get_queue') pattern: every create gives the same object", async () => {
    const m = manager()
    await using a = await m.create(SharedAccount)
    await using b = await m.create(SharedAccount)
    expect(a.token.id).toBe(b.token.id)
    await a.withdraw(10)
    expect(await b.withdraw(0)).toBe(90)
    expect((await m.debugInfo()).find((o) => o.id === a.token.id)?.refcount).toBe(2)
    await a.releaseProxy()
    expect(await b.withdraw(0)).toBe(90)
  })

  it("an unknown typeid rejects with RemoteError", async () => {
    await expect(manager().create("NoSuchType")).rejects.toBeInstanceOf(RemoteError)
  })
})
