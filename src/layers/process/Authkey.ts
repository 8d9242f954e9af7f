/**
 * The authkey from an environment variable, never from argv: `hex:…` and
 * `base64:…` give binary keys, anything else is the UTF-8 bytes of the value
 * (what a Python peer's `authkey=b'...'` holds). An empty value is the empty
 * key, which is valid.
 *
 * @since 0.1.0
 */
import { Config, Data, Effect, Redacted } from "effect"

/** The default variable: `MANAGER_AUTHKEY`. @since 0.1.0 */
export const defaultAuthkeyEnv = "MANAGER_AUTHKEY"

/** @since 0.1.0 */
export class MissingAuthkey extends Data.TaggedError("MissingAuthkey")<{ readonly variable: string }> {
  override get message(): string {
    return `set the authkey in the environment variable ${this.variable} (hex:…, base64:… or plain text)`
  }
}

/** The key a variable's value stands for. @since 0.1.0 */
export const parseAuthkey = (value: string): Uint8Array => {
  if (value.startsWith("hex:")) return new Uint8Array(Buffer.from(value.slice(4), "hex"))
  if (value.startsWith("base64:")) return new Uint8Array(Buffer.from(value.slice(7), "base64"))
  return new TextEncoder().encode(value)
}

/** How a key is written into a variable for a child process. @since 0.1.0 */
export const formatAuthkey = (key: Uint8Array): string => `hex:${Buffer.from(key).toString("hex")}`

/**
 * Reads the key from `variable` through the ambient ConfigProvider (the
 * environment by default). The key stays `Redacted` until the server takes
 * it, so no log or error can print it.
 *
 * @since 0.1.0
 */
export const readAuthkey = (variable: string): Effect.Effect<Redacted.Redacted<Uint8Array>, MissingAuthkey> =>
  Config.Redacted(variable).pipe(
    Config.map((value) => Redacted.make(parseAuthkey(Redacted.value(value)), { label: variable })),
    Effect.mapError(() => new MissingAuthkey({ variable }))
  )
