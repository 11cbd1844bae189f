// The authorizer's settings under their Kafka names (authorizer.class.name,
// super.users, allow.everyone.if.no.acl.found) and their defaults: off, no super
// users, closed when no ACL is found.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { brokerOptionsFromConfigs } from '../../../src/broker/config-names.js';
import { resolveConfig } from '../../../src/broker/config.js';

it('reads the Kafka names', () => {
  assert.deepEqual(
    brokerOptionsFromConfigs([
      'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users=User:admin;User:ops',
      'allow.everyone.if.no.acl.found=true',
    ]),
    { authorizer: true, superUsers: ['User:admin', 'User:ops'], allowEveryoneIfNoAclFound: true },
  );
  assert.deepEqual(brokerOptionsFromConfigs(['authorizer.class.name=']), { authorizer: false });
  assert.throws(() => brokerOptionsFromConfigs(['allow.everyone.if.no.acl.found=yes']), /must be true or false/);
});

it('defaults to no authorizer, and refuses a super user that is not a principal', () => {
  assert.deepEqual(resolveConfig({}).authorizer, { enabled: false, superUsers: [], allowEveryoneIfNoAclFound: false });
  assert.equal(resolveConfig({ authorizer: true }).authorizer.allowEveryoneIfNoAclFound, false);
  assert.throws(() => resolveConfig({ authorizer: true, superUsers: ['admin'] }), /not a principal/);
});
