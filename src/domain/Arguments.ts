/**
 * Python's calling convention on the server: positional arguments, and
 * keyword arguments bound to parameters by name (`**` takes the rest), with
 * CPython's TypeErrors.
 *
 * @since 0.1.0
 */
import { TypeError } from "./PythonErrors.ts"

/** Keyword arguments as they arrive: a record (our dialect) or a Map (CPython's dict). @category models @since 0.1.0 */
export type Kwargs = Readonly<Record<string, unknown>> | ReadonlyMap<unknown, unknown> | null | undefined

const kwargEntries = (kwargs: Kwargs): Array<readonly [string, unknown]> => {
  if (kwargs === null || kwargs === undefined) return []
  const entries = kwargs instanceof Map ? [...kwargs.entries()] : Object.entries(kwargs)
  return entries.map(([k, v]) => {
    if (typeof k !== "string") throw TypeError.make("keywords must be strings")
    return [k, v] as const
  })
}

/**
 * Positional arguments with keywords bound by parameter name; `"**"` in the
 * names takes the remaining keywords as a record.
 *
 * @category binding
 * @since 0.1.0
 */
export const bindArguments = (
  what: string,
  parameters: ReadonlyArray<string> | undefined,
  args: ReadonlyArray<unknown>,
  kwargs: Kwargs
): ReadonlyArray<unknown> => {
  const entries = kwargEntries(kwargs)
  if (entries.length === 0) return args
  if (parameters === undefined) throw TypeError.make(`${what}() takes no keyword arguments`)
  const out: Array<unknown> = [...args]
  const rest = parameters.indexOf("**")
  const extra: Record<string, unknown> = {}
  for (const [name, value] of entries) {
    const i = parameters.indexOf(name)
    if (i >= 0 && i !== rest) {
      if (i < args.length) throw TypeError.make(`${what}() got multiple values for argument '${name}'`)
      out[i] = value
    } else if (rest >= 0) {
      extra[name] = value
    } else {
      throw TypeError.make(`${what}() got an unexpected keyword argument '${name}'`)
    }
  }
  if (rest >= 0) {
    while (out.length < rest) out.push(undefined)
    out[rest] = extra
  }
  return out
}

