// @platformatic/kafka compiles some forty ajv validators of its clients' options
// as its modules load, most of which a process never calls: about half a second
// of CPU in every process and thread that loads the library. Evaluating this
// module makes Ajv2020 (the class the library uses) compile on first call
// instead, until endDeferral() runs: kafka.ts imports this module just before
// the library and calls endDeferral() first thing, so only the library's own
// validators are deferred. A deferred validator compiles the same schema with
// the same instance when first called and behaves as the compiled one (its
// `errors` included).
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';

type Compile = (this: Ajv2020, schema: object, meta?: boolean) => ValidateFunction;

const proto = Ajv2020.prototype as unknown as { compile: Compile };
const hadOwn = Object.prototype.hasOwnProperty.call(proto, 'compile');
const eager = proto.compile;

proto.compile = function deferred(this: Ajv2020, schema: object, meta?: boolean): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const real = (): ValidateFunction => (compiled ??= eager.call(this, schema, meta));
  const validate = function (this: unknown, ...args: Parameters<ValidateFunction>) {
    return real().apply(this, args);
  } as ValidateFunction;
  Object.defineProperty(validate, 'errors', {
    get: () => compiled?.errors ?? null,
    set: (errors: ValidateFunction['errors']) => {
      real().errors = errors;
    },
  });
  return validate;
};

/** Validators compiled from now on are compiled at once again. */
export function endDeferral(): void {
  if (hadOwn) proto.compile = eager;
  else delete (proto as { compile?: Compile }).compile;
}
