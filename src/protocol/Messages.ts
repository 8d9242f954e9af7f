/**
 * Every message of our own dialect, as one Schema tagged union per direction.
 * A client sends a {@link Request} and the server answers each with one
 * {@link Reply} carrying the same id; `Decref` and `Cancel` need no answer the
 * client waits for. Messages are checked against these schemas at the
 * boundary, on both sides, before anything acts on them.
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import { Token } from "../domain/Token.ts"

/** A request's id, unique per connection. @since 0.1.0 */
export const RequestId = Schema.Number
/** A shared object's id on its manager. @since 0.1.0 */
export const ObjectId = Schema.String
const Args = Schema.Array(Schema.Unknown)
const Kwargs = Schema.NullOr(Schema.Record(Schema.String, Schema.Unknown))

/** Opens a session: the first message on a connection. @since 0.1.0 */
export const Hello = Schema.TaggedStruct("Hello", {
  id: RequestId,
  session: Schema.String,
  version: Schema.Number
})
/** Calls an exposed method of a shared object. @since 0.1.0 */
export const Call = Schema.TaggedStruct("Call", {
  id: RequestId,
  object: ObjectId,
  method: Schema.String,
  args: Args,
  kwargs: Kwargs,
  /** The calling fiber, for lock ownership. */
  caller: Schema.Number,
  /** The caller's span (W3C trace context, `traceparent`), when it is traced; else null. */
  trace: Schema.NullOr(Schema.String)
})
/** Creates a shared object of a registered typeid. @since 0.1.0 */
export const Create = Schema.TaggedStruct("Create", {
  id: RequestId,
  typeid: Schema.String,
  args: Args,
  kwargs: Kwargs
})
/** Adds a reference to an object for the session. @since 0.1.0 */
export const Incref = Schema.TaggedStruct("Incref", { id: RequestId, object: ObjectId })
/** Releases one of the session's references to an object. @since 0.1.0 */
export const Decref = Schema.TaggedStruct("Decref", { id: RequestId, object: ObjectId })
/** Asks which methods an object exposes. @since 0.1.0 */
export const GetMethods = Schema.TaggedStruct("GetMethods", { id: RequestId, object: ObjectId })
/** Asks for the live objects. @since 0.1.0 */
export const DebugInfo = Schema.TaggedStruct("DebugInfo", { id: RequestId })
/** Asks how many objects are live. @since 0.1.0 */
export const NumberOfObjects = Schema.TaggedStruct("NumberOfObjects", { id: RequestId })
/** Stops the manager. @since 0.1.0 */
export const Shutdown = Schema.TaggedStruct("Shutdown", { id: RequestId })
/** Checks the connection is alive. @since 0.1.0 */
export const Ping = Schema.TaggedStruct("Ping", { id: RequestId })
/**
 * Cancels the request `target`. The server decides what it was: a request
 * still running is interrupted and answered with {@link Cancelled} (it had no
 * effect); one that had completed already has its reply on the way, and the
 * client gives it back with {@link Undo}. Cancel itself has no reply.
 *
 * @since 0.1.0
 */
export const Cancel = Schema.TaggedStruct("Cancel", { id: RequestId, target: RequestId })
/**
 * Gives back the result of a call whose caller gave up before the reply
 * arrived: the server runs the type's compensator for the method (the item
 * goes back to the head of its queue, the grant is released) and answers
 * `"undone"`, `"stands"` (nothing to undo) or `"irreversible"` (a Barrier
 * party that passed).
 *
 * @since 0.1.0
 */
export const Undo = Schema.TaggedStruct("Undo", {
  id: RequestId,
  object: ObjectId,
  method: Schema.String,
  args: Args,
  result: Schema.Unknown,
  caller: Schema.Number
})
/** Asks for the server's connection counters. @since 0.1.0 */
export const Stats = Schema.TaggedStruct("Stats", { id: RequestId })
/**
 * A control call the server offers beyond the manager's own, by name
 * (CPython's SharedMemoryServer's `track_segment`, say).
 *
 * @since 0.1.0
 */
export const Control = Schema.TaggedStruct("Control", { id: RequestId, name: Schema.String, args: Args, kwargs: Kwargs })

/** @since 0.1.0 */
export const Request = Schema.Union([
  Hello,
  Call,
  Create,
  Incref,
  Decref,
  GetMethods,
  DebugInfo,
  NumberOfObjects,
  Shutdown,
  Ping,
  Cancel,
  Undo,
  Stats,
  Control
])
/** @since 0.1.0 */
export type Request = typeof Request.Type

/** The method's result. @since 0.1.0 */
export const Return = Schema.TaggedStruct("Return", { id: RequestId, value: Schema.Unknown })
/** The referent's own failure: a tagged error, re-raised with the same tag. @since 0.1.0 */
export const Error = Schema.TaggedStruct("Error", { id: RequestId, error: Schema.Unknown })
/** A server-side failure, with the remote stack text. @since 0.1.0 */
export const Traceback = Schema.TaggedStruct("Traceback", { id: RequestId, text: Schema.String })
/** A result that could not be encoded. @since 0.1.0 */
export const Unserializable = Schema.TaggedStruct("Unserializable", { id: RequestId, text: Schema.String })
/** A result that is a new shared object (method_to_typeid): its token and exposed methods. @since 0.1.0 */
export const Proxy = Schema.TaggedStruct("Proxy", {
  id: RequestId,
  token: Schema.instanceOf(Token),
  exposed: Schema.Array(Schema.String)
})

/** The request was cancelled before it completed: it had no effect. @since 0.1.0 */
export const Cancelled = Schema.TaggedStruct("Cancelled", { id: RequestId })

/** @since 0.1.0 */
export const Reply = Schema.Union([Return, Error, Traceback, Unserializable, Proxy, Cancelled])
/** @since 0.1.0 */
export type Reply = typeof Reply.Type

/** The protocol version a Hello carries (3: Cancelled, Undo, Stats, Control, a Call's trace). @since 0.1.0 */
export const protocolVersion = 3

/** What the server answers to {@link Undo}. @since 0.1.0 */
export type UndoVerdict = "undone" | "stands" | "irreversible"
