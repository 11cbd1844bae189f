// Confluent Schema Registry's error format, so existing clients read our
// failures as they read Confluent's: an HTTP status and a body
// `{"error_code": 40401, "message": "Subject 'x' not found."}` whose code
// refines the status (40401 subject, 40402 version, 40403 schema not found,
// 42201 invalid schema, 409 incompatible, ...).

export const ErrorCode = {
  SUBJECT_NOT_FOUND: 40401,
  VERSION_NOT_FOUND: 40402,
  SCHEMA_NOT_FOUND: 40403,
  SUBJECT_SOFT_DELETED: 40404,
  SUBJECT_NOT_SOFT_DELETED: 40405,
  SCHEMA_VERSION_SOFT_DELETED: 40406,
  SCHEMA_VERSION_NOT_SOFT_DELETED: 40407,
  SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED: 40408,
  INCOMPATIBLE_SCHEMA: 409,
  INVALID_SCHEMA: 42201,
  INVALID_VERSION: 42202,
  INVALID_COMPATIBILITY_LEVEL: 42203,
  REFERENCE_EXISTS: 42206,
  UNPROCESSABLE: 422,
  STORE_ERROR: 50001,
  OPERATION_TIMEOUT: 50002,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface RegistryErrorBody {
  error_code: number;
  message: string;
}

/** A failure with its Confluent code; the HTTP status is the code's first three digits. */
export class RegistryError extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }

  get statusCode(): number {
    return this.errorCode < 1000 ? this.errorCode : Math.floor(this.errorCode / 100);
  }

  body(): RegistryErrorBody {
    return { error_code: this.errorCode, message: this.message };
  }
}

export const subjectNotFound = (subject: string) => new RegistryError(ErrorCode.SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`);
export const versionNotFound = (subject: string, version: number | string) =>
  new RegistryError(ErrorCode.VERSION_NOT_FOUND, `Version ${version} not found for subject '${subject}'.`);
export const schemaNotFound = (what = 'Schema not found') => new RegistryError(ErrorCode.SCHEMA_NOT_FOUND, what);
export const invalidSchema = (why: string) => new RegistryError(ErrorCode.INVALID_SCHEMA, `Invalid schema: ${why}`);
