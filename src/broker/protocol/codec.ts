/**
 * Binary primitives of the Kafka wire protocol (and of the record-batch format, which reuses
 * the zigzag varints). Hand-written; the generated message codecs in ./messages call into it.
 *
 * Reader: a bounds-checked cursor over a Buffer. Every read validates lengths before touching
 * memory and throws ProtocolDecodeError on truncated or malformed input, so a hostile length
 * can never cause an out-of-range read, a huge allocation or an unbounded loop.
 * Variable-length values (strings excepted) are returned as subarray views: no copy.
 *
 * Writer: small writes go into a scratch buffer; payloads of LARGE_CHUNK bytes or more
 * (writeRaw, bytes, records) are appended as separate chunks without copying, so a Fetch
 * response can reference record batches without copying them. Size prefixes: either compute
 * them up front, or reserveInt32() a slot and patchInt32() it once the size is known.
 */
export { ProtocolDecodeError, ProtocolEncodeError, ZERO_UUID, EMPTY_BUFFER, LARGE_CHUNK, uvarintSize, varintSize, varlongSize } from './wire.js';
export { Reader } from './reader.js';
export { Writer } from './writer.js';
