/**
 * CPython's _TestMyManager: user-registered types, with exposed methods,
 * typed proxies, generators as iterators, and referents whose methods return
 * plain values, Promises or Effects, failing with their own tagged errors.
 */
import { expect } from "@effect/vitest"
import { Data, Effect } from "effect"
import { ValueError } from "../../src/domain/PythonErrors.ts"
import { Iterator } from "../../src/domain/types/Iterator.ts"
import * as SyncManagerTypes from "../../src/layers/SyncManagerTypes.ts"
import { AutoProxy } from "../../src/proxy/AutoProxy.ts"
import { IteratorProxy } from "../../src/proxy/IteratorProxy.ts"
import { Manager } from "../../src/proxy/Manager.ts"
import * as Registry from "../../src/services/Registry.ts"
import { clean, eachBackend } from "../support/harness.ts"

class FooBar {
  f() {
    return "f()"
  }
  g(): never {
    throw ValueError.make("g failed")
  }
  _h() {
    return "_h()"
  }
}

function* baz() {
  for (let i = 0; i < 10; i++) yield i * i
}

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
  crash(): number {
    throw new Error("a bug in the referent")
  }
  leak(): () => void {
    return () => {}
  }
}

const Foo = Registry.define("Foo", { create: () => new FooBar() })
const Bar = Registry.define("Bar", { create: () => new FooBar(), exposed: ["f", "_h"] })
const Baz = Registry.alias("baz", SyncManagerTypes.types.Iterator, () => new Iterator(baz()))
const AccountType = Registry.define("Account", { create: (opening: number) => new Account(opening), errors: [Overdrawn] })
const shared = new Account(100)
const SharedAccount = Registry.alias("shared_account", AccountType, () => shared)

eachBackend("MyManager", { types: [Foo, Bar, Baz, AccountType, SharedAccount] }, (it) => {
  it.effect("test_mymanager: exposed methods, errors re-raised, callMethod of a hidden method is RemoteError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const foo = yield* m.create(Foo)
      const bar = yield* m.create(Bar)
      expect(foo).toBeInstanceOf(AutoProxy)
      expect([...foo.exposed].sort()).toEqual(["f", "g"])
      expect([...bar.exposed].sort()).toEqual(["_h", "f"])
      expect(yield* foo.f()).toBe("f()")
      expect(yield* Effect.flip(foo.g())).toMatchObject({ _tag: "ValueError", message: "g failed" })
      expect(yield* foo.callMethod("f")).toBe("f()")
      const hidden = yield* Effect.flip(foo.callMethod("_h"))
      expect(hidden).toMatchObject({ _tag: "RemoteError" })
      expect((hidden as Error).message).toContain("is not in exposed")
      expect((hidden as Error).message.startsWith(`\n${"-".repeat(75)}\n`)).toBe(true)
      expect(yield* bar.f()).toBe("f()")
      expect(yield* bar._h()).toBe("_h()")
      expect(yield* bar.callMethod("_h")).toBe("_h()")
    })))

  it.effect("a generator served as an Iterator: next until StopIteration", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const it = yield* m.create(Baz)
      expect(it).toBeInstanceOf(IteratorProxy)
      expect(yield* it.toArray()).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81])
      expect(yield* Effect.flip(it.next())).toMatchObject({ _tag: "StopIteration" })
    })))

  it.effect("typed proxies: Effect and Promise results, the referent's own tagged error, defects as RemoteError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const account = yield* m.create(AccountType, 10)
      const left: number = yield* account.withdraw(3)
      expect(left).toBe(7)
      expect(yield* account.deposit(5)).toBe(12)
      const overdrawn = yield* Effect.flip(account.withdraw(100))
      expect(overdrawn).toBeInstanceOf(Overdrawn)
      expect(overdrawn).toMatchObject({ _tag: "Overdrawn", balance: 12 })
      const recovered = yield* account.withdraw(100).pipe(Effect.catchTag("Overdrawn", (e) => Effect.succeed(-e.balance)))
      expect(recovered).toBe(-12)
      const crash = yield* Effect.flip(account.crash())
      expect(crash._tag).toBe("RemoteError")
      expect(crash.message).toContain("Error: a bug in the referent")
      expect(crash.message).toContain("Traceback (most recent call last):")
      const leak = yield* Effect.flip(account.leak())
      expect(leak).toMatchObject({ _tag: "RemoteError" })
      expect(leak.message).toContain("Unserializable message:")
    })))

  it.effect("register('get_queue') pattern: a factory that hands every client the same object", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const a = yield* m.create(SharedAccount)
      const b = yield* m.create(SharedAccount)
      expect(a.token.id).toBe(b.token.id)
      yield* a.withdraw(10)
      expect(yield* b.withdraw(0)).toBe(90)
      const info = yield* m.debugInfo
      expect(info.find((o) => o.id === a.token.id)?.refcount).toBe(2)
      yield* a.releaseProxy
      expect(yield* b.withdraw(0)).toBe(90)
    })))

  it.effect("creating an unknown typeid fails with RemoteError", () =>
    clean(Effect.gen(function*() {
      const m = yield* Manager
      const error = yield* Effect.flip(m.create("NoSuchType"))
      expect(error).toMatchObject({ _tag: "RemoteError" })
    })))
})
