/**
 * Serves a CPython peer: a connection whose first frame after the handshake
 * is a pickle (or an XML-RPC document, for `serializer='xmlrpclib'`).
 *
 * As CPython's Server: a control connection carries one request
 * `(None, funcname, args, kwds)` and one reply, then closes; `accept_connection`
 * turns it into a method connection, which carries `(ident, method, args,
 * kwds)` requests one at a time. Replies are `#RETURN`, `#ERROR` (with the
 * exact Python exception), `#TRACEBACK`, `#UNSERIALIZABLE` and `#PROXY`.
 *
 * References taken by CPython peers belong to one session, `python`, that
 * never expires: a CPython proxy increfs and decrefs over connections of its
 * own, so no connection owns its references (as in CPython). Lock ownership
 * belongs to the method connection, and is released when it is gone.
 *
 * @since 0.1.0
 */
import { Effect, Fiber } from "effect"
import { PythonException } from "../../domain/PythonErrors.ts"
import { makeCaller } from "../../domain/Referent.ts"
import { Token } from "../../domain/Token.ts"
import { hasToken } from "../../domain/TokenWalk.ts"
import { asTraceback } from "../../domain/Traceback.ts"
import { Tuple } from "../../domain/values/Tuple.ts"
import { decodePickle, encodePickle, type ProxyWrite } from "../../protocol/pickle/index.ts"
import { isPythonError } from "../../protocol/pickle/Exceptions.ts"
import type { Connection } from "../../services/Transport.ts"
import type { Kwargs } from "../../domain/Arguments.ts"
import { call, create } from "./Dispatch.ts"
import type { Dialect } from "./Dialect.ts"
import type { SessionContext } from "./Session.ts"
import { fromThrown, type Outcome } from "../../domain/Outcome.ts"

/** The session that holds every reference CPython peers take. @since 0.1.0 */
export const pythonSession = "python"

/** How one CPython peer's frames are read and written. @since 0.1.0 */
export interface PeerCodec {
  readonly name: "pickle" | "xmlrpclib"
  readonly decode: (bytes: Uint8Array) => unknown
  readonly encode: (value: unknown) => Uint8Array
}


/** A referent's error as the Python exception a CPython peer re-raises. @since 0.1.0 */
export const toPythonException = (error: unknown): unknown => {
  if (isPythonError(error)) return error
  const e = error as { readonly _tag?: string; readonly message?: string }
  const message = e?.message ? `${e._tag}: ${e.message}` : String(e?._tag ?? error)
  return new PythonException({ pythonName: "builtins.Exception", args: [message], message })
}

const asKwargs = (u: unknown): Kwargs => (u instanceof Map || (u !== null && typeof u === "object" && !Array.isArray(u)) ? (u as Kwargs) : null)

const debugInfoText = (info: ReadonlyArray<{ id: string; refcount: number; description: string }>) =>
  [...info].sort((a, b) => (a.id < b.id ? -1 : 1)).map((o) => `  ${o.id}:       refcount=${o.refcount}\n    ${o.description.slice(0, 75)}`).join("\n")

/**
 * Serves a CPython peer whose first frame was `first`.
 *
 * @since 0.1.0
 */
export const servePython = (
  ctx: SessionContext & { readonly proxyAuthkey?: Uint8Array | undefined },
  connection: Connection,
  first: Uint8Array,
  xml: PeerCodec | undefined
) =>
  Effect.gen(function*() {
    // A #PROXY reply's own token is written bare; tokens inside values are proxies.
    const bare = new Set<Token>()
    const proxyFor = (token: Token): ProxyWrite | undefined => {
      if (bare.has(token)) return undefined
      if (token.address !== ctx.address) return { proxyClass: "AutoProxy", exposed: [] }
      const entry = ctx.objects.get(token.id)
      const def = ctx.registry.get(token.typeid)
      const proxyClass = def?.pythonProxy ?? "AutoProxy"
      const exposed = proxyClass === "AutoProxy" ? [...(entry?.exposed ?? def?.exposed ?? [])] : undefined
      return {
        proxyClass,
        ...(exposed !== undefined ? { exposed } : {}),
        ...(ctx.proxyAuthkey !== undefined ? { authkey: ctx.proxyAuthkey } : {})
      }
    }
    const codec: PeerCodec = first[0] === 0x3c && xml !== undefined
      ? xml
      : { name: "pickle", decode: (b) => decodePickle(b), encode: (v) => encodePickle(v, { proxyFor }) }

    const reply = (kind: string, value: unknown) => {
      let bytes: Uint8Array
      try {
        bytes = codec.encode(Tuple.of<unknown>(kind, value))
      } catch (e) {
        bytes = codec.encode(Tuple.of<unknown>("#UNSERIALIZABLE", asTraceback(`${(e as Error)?.message ?? String(e)}\n`)))
      }
      connection.sendUnsafe(bytes)
    }

    const replyOutcome = (o: Outcome) => {
      switch (o._tag) {
        case "Return":
          return reply("#RETURN", o.value)
        case "Error":
          return reply("#ERROR", toPythonException(o.error))
        case "Traceback":
          return reply("#TRACEBACK", asTraceback(o.text))
        case "Proxy":
          bare.add(o.token)
          try {
            return reply("#PROXY", Tuple.of<unknown>(Tuple.fromArray(o.exposed), o.token))
          } finally {
            bare.delete(o.token)
          }
        case "Interrupted":
          return
      }
    }

    const parse = (bytes: Uint8Array): readonly [unknown, unknown, ReadonlyArray<unknown>, unknown] | string => {
      let request: unknown
      ctx.frames.decoded++
      try {
        request = codec.decode(bytes)
      } catch (e) {
        return `${(e as { _tag?: string })?._tag ?? "Error"}: ${(e as Error)?.message ?? String(e)}`
      }
      if (!Array.isArray(request) || request.length !== 4 || !Array.isArray(request[2])) {
        return "ValueError: a request is a 4-tuple (ident, funcname, args, kwds)"
      }
      return request as unknown as readonly [unknown, unknown, ReadonlyArray<unknown>, unknown]
    }

    const request = parse(first)
    if (typeof request === "string") {
      reply("#TRACEBACK", asTraceback(`${request}\n`))
      return
    }
    const [ident, funcname, args, kwds] = request
    if (ident !== null) {
      reply("#TRACEBACK", asTraceback("AssertionError: the first request of a connection is a control request\n"))
      return
    }
    const failure = (e: { readonly message: string }) => reply("#TRACEBACK", asTraceback(`${e.message}\n`))
    switch (funcname) {
      case "dummy":
        return reply("#RETURN", null)
      case "create": {
        const [typeid, ...rest] = args
        if (typeof typeid !== "string") return failure({ message: "TypeError: typeid must be a string" })
        const o = yield* create(ctx, pythonSession, typeid, rest, asKwargs(kwds), true)
        // As CPython's Server.create: an error while creating is a server-side failure.
        if (o._tag === "Proxy") return reply("#RETURN", Tuple.of<unknown>(o.token.id, Tuple.fromArray(o.exposed)))
        if (o._tag === "Error") {
          const e = o.error as { readonly _tag?: string; readonly message?: string }
          return failure({ message: `${e._tag === "PythonException" ? "Exception" : e._tag}: ${e.message ?? ""}` })
        }
        return replyOutcome(o)
      }
      case "incref":
        return yield* Effect.match(ctx.objects.incref(String(args[0]), pythonSession), {
          onFailure: failure,
          onSuccess: () => reply("#RETURN", null)
        })
      case "decref":
        return yield* Effect.match(ctx.objects.decref(String(args[0]), pythonSession), {
          onFailure: failure,
          onSuccess: () => reply("#RETURN", null)
        })
      case "get_methods": {
        const token = args[0]
        const entry = token instanceof Token ? ctx.objects.get(token.id) : undefined
        if (entry === undefined) return failure({ message: `KeyError: ${JSON.stringify(String((token as Token)?.id ?? token))}` })
        return reply("#RETURN", Tuple.fromArray([...entry.exposed]))
      }
      case "number_of_objects":
        return reply("#RETURN", yield* ctx.objects.numberOfObjects)
      case "debug_info":
        return reply("#RETURN", debugInfoText(yield* ctx.objects.debugInfo))
      case "shutdown":
        // CPython answers twice: once from shutdown itself and once from the request handler.
        reply("#RETURN", null)
        reply("#RETURN", null)
        return yield* ctx.requestShutdown
      case "accept_connection":
        reply("#RETURN", null)
        return yield* serveMethods()
      default: {
        // A control call the server was given (a SharedMemoryServer's track_segment, say).
        const control = typeof funcname === "string" ? ctx.controls.get(funcname) : undefined
        if (control === undefined) return failure({ message: `AssertionError: ${JSON.stringify(funcname)} unrecognized` })
        return replyOutcome(yield* control.run({ session: pythonSession, args, kwargs: asKwargs(kwds) }))
      }
    }

    // A method connection: one request at a time, in order, each answered before the next is read.
    function serveMethods() {
      return Effect.gen(function*() {
        const session = `py-${ctx.nextConnectionId()}`
        const caller = makeCaller(session, 0)
        ctx.leases.attach(session)
        yield* Effect.ensuring(
          Effect.forever(Effect.gen(function*() {
            const frame = yield* connection.receive()
            const r = parse(frame)
            if (typeof r === "string") {
              reply("#TRACEBACK", asTraceback(`${r}\n`))
              return
            }
            const [id, method, callArgs, callKwds] = r
            if (typeof id !== "string" || typeof method !== "string") {
              reply("#TRACEBACK", asTraceback(`AttributeError: ${JSON.stringify(method)}\n`))
              return
            }
            const done = ctx.observer?.start({ dialect: codec.name, session, typeid: ctx.objects.get(id)?.typeid ?? "", method, trace: null })
            let outcome: Outcome | Effect.Effect<Outcome>
            try {
              outcome = call(ctx, caller, id, method, callArgs, asKwargs(callKwds), pythonSession)
            } catch (e) {
              outcome = fromThrown(e)
            }
            // In a fiber of its own: disposing the object interrupts the call, not this connection.
            const o = Effect.isEffect(outcome) ? yield* Fiber.join(yield* Effect.forkChild(Effect.uninterruptible(outcome))) : outcome
            done?.(o)
            replyOutcome(o)
            // What the referent holds may have changed: proxies stored in it are references.
            if (ctx.objects.get(id)?.mayHoldRefs === true || hasToken(callArgs)) yield* ctx.objects.updateChildren(id)
          })),
          Effect.sync(() => ctx.leases.detach(session))
        )
      })
    }
  }).pipe(Effect.catchCause(() => Effect.void))

const isPickle = (first: Uint8Array): boolean => first[0] === 0x80
const isXml = (first: Uint8Array): boolean => first[0] === 0x3c

const refusal = (codec: PeerCodec) => (connection: Connection, error: { readonly _tag: string; readonly message: string }) =>
  connection.sendUnsafe(codec.encode(Tuple.of<unknown>("#TRACEBACK", asTraceback(`${error._tag}: ${error.message}`))))

const pickleCodec: PeerCodec = { name: "pickle", decode: (b) => decodePickle(b), encode: (v) => encodePickle(v) }

/**
 * CPython's default serializer: a first frame that is a pickle.
 *
 * @category dialects
 * @since 0.1.0
 */
export const pickle: Dialect = {
  name: "pickle",
  recognise: isPickle,
  serve: (ctx, connection, first) => servePython(ctx, connection, first, undefined),
  refuse: refusal(pickleCodec)
}

/**
 * CPython's `serializer='xmlrpclib'`: a first frame that is an XML-RPC document.
 *
 * @category dialects
 * @since 0.1.0
 */
export const xmlrpc = (codec: PeerCodec): Dialect => ({
  name: "xmlrpclib",
  recognise: isXml,
  serve: (ctx, connection, first) => servePython(ctx, connection, first, codec),
  refuse: refusal(codec)
})
