/**
 * The XML-RPC codec for CPython managers started with
 * `serializer='xmlrpclib'`: `decodeXmlRpc` reads the frames they send
 * (hostile input included), `encodeXmlRpc` writes frames byte-identical to
 * what CPython's `xmlrpc.client.dumps` writes for the same value.
 *
 * @module effect-managers/protocol/xmlrpc
 * @since 0.1.0
 */
export { XmlRpcError, XmlRpcFault } from "./XmlRpcError.ts"
export {
  decodeXmlRpc,
  decodeXmlRpcDocument,
  decodeXmlRpcEffect,
  type XmlRpcDecodeOptions,
  type XmlRpcDocument
} from "./XmlRpcReader.ts"
export { encodeXmlRpc, encodeXmlRpcEffect, type XmlRpcEncodeOptions } from "./XmlRpcWriter.ts"
