// Public surface of the record-batch module.
export * from './crc32c.js';
export * from './errors.js';
export * from './batch.js';
export * from './records.js';
export * from './control.js';
export { VarReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';
