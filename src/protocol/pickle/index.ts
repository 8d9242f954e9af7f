/**
 * The pickle codec for CPython's managers wire dialect: `decodePickle` reads
 * what CPython peers send (protocols 0 to 5, hostile input included),
 * `encodePickle` writes what they can load (protocols 2 to 4).
 *
 * @module effect-managers/protocol/pickle
 * @since 0.1.0
 */
export { addressFromPython, addressToPython } from "./Address.ts"
export { exceptionState, setExceptionState } from "./Exceptions.ts"
export type { ProxyInfo } from "./Globals.ts"
export { PickleError } from "./PickleError.ts"
export { type DecodeOptions, decodePickle, decodePickleEffect } from "./PickleReader.ts"
export { type EncodeOptions, encodePickle, encodePickleEffect, type ProxyWrite } from "./PickleWriter.ts"
export { isPyGlobal, PyCall, PyGlobal, PyNewObject } from "./Records.ts"
