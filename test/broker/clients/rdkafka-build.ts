// Where the librdkafka client build is: @confluentinc/kafka-javascript
// compiled from the librdkafka source its npm package ships, against Debian's
// -dev libraries, by .ci/run into a folder of its own (.ci/rdkafka, not in
// git), with one Node; TRIBUTARY_RDKAFKA names that folder. A native addon
// is built for one Node ABI, so clients run in child processes on `node`, the
// Node it was built with (a link in the folder), whatever Node the suite
// runs on. Without the variable the tests that need it are skipped, except
// under CI (CI=true), where a missing build fails them.
import fs from 'node:fs';
import path from 'node:path';

export interface RdkafkaBuild {
  /** The folder whose node_modules holds @confluentinc/kafka-javascript. */
  dir: string;
  /** The Node binary the addon was built with. */
  node: string;
}

export const RDKAFKA_ENV = 'TRIBUTARY_RDKAFKA';

/** The build, or why there is none: a skip reason locally; under CI, or when the variable names a folder without a build, an error. */
export function findRdkafkaBuild(env = process.env): { build: RdkafkaBuild } | { skip: string } {
  const dir = env[RDKAFKA_ENV];
  if (!dir) {
    const why = `${RDKAFKA_ENV} is not set (bash .ci/run builds the librdkafka client into .ci/rdkafka and sets it)`;
    if (env.CI === 'true') throw new Error(`the librdkafka client build is missing under CI: ${why}`);
    return { skip: why };
  }
  const addon = path.join(dir, 'node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node');
  const node = path.join(dir, 'node');
  for (const needed of [addon, node]) {
    if (!fs.existsSync(needed)) throw new Error(`${RDKAFKA_ENV}=${dir} has no librdkafka client build: ${needed} is missing (bash .ci/run builds it)`);
  }
  return { build: { dir, node: fs.realpathSync(node) } };
}
