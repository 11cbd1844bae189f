// The ACL store and authorizer without a broker: acls.json written atomically
// and read back, duplicates ignored, removal by filter; super users and
// allow.everyone.if.no.acl.found.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AclStore, AclFileError, aclFileIn } from '../../../src/broker/acl/store.js';
import { Authorizer } from '../../../src/broker/acl/authorizer.js';
import { AclOperation as Op, PatternType as Pattern, PermissionType as Perm, ResourceType as Res, type AclBinding } from '../../../src/broker/acl/types.js';
import { apiRequirements } from '../../../src/broker/acl/api-operations.js';
import { handlers } from '../../../src/broker/apis/index.js';
import { tempDir } from '../../helpers/broker.js';

const dir = tempDir('tributary-acl-');
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const write: AclBinding = { resourceType: Res.TOPIC, resourceName: 'orders', patternType: Pattern.LITERAL, principal: 'User:alice', host: '*', operation: Op.WRITE, permissionType: Perm.ALLOW };

describe('AclStore', () => {
  it('keeps ACLs in acls.json across instances, ignoring duplicates', () => {
    const file = aclFileIn(dir);
    const store = new AclStore(file);
    store.add([write, write, { ...write, patternType: Pattern.PREFIXED, resourceName: 'ord' }]);
    store.add([write]);
    assert.equal(store.size, 2);
    assert.ok(!fs.existsSync(`${file}.tmp`));
    const text = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(text.acls[0].operation, 'WRITE');
    assert.equal(text.acls[1].patternType, 'PREFIXED');
    const again = new AclStore(file);
    assert.deepEqual(again.list(), store.list());
    const [removed] = again.remove([{ resourceType: Res.ANY, resourceName: null, patternType: Pattern.PREFIXED, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY }]);
    assert.equal(removed!.length, 1);
    assert.deepEqual(new AclStore(file).list(), [write]);
  });

  it('refuses a damaged file with a typed error', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{"version":1,"acls":[{"resourceType":"PLANET"}]}');
    assert.throws(() => new AclStore(file), AclFileError);
  });
});

describe('Authorizer', () => {
  const store = new AclStore(undefined);
  store.add([write]);
  const caller = (name: string) => ({ principal: `User:${name}`, host: '127.0.0.1' });

  it('off allows everything; on, only what the ACLs allow', () => {
    const off = new Authorizer(store, { enabled: false, superUsers: [], allowEveryoneIfNoAclFound: false });
    assert.ok(off.authorize(caller('bob'), Op.WRITE, Res.TOPIC, 'orders'));
    const on = new Authorizer(store, { enabled: true, superUsers: ['User:admin'], allowEveryoneIfNoAclFound: false });
    assert.ok(on.authorize(caller('alice'), Op.WRITE, Res.TOPIC, 'orders'));
    assert.ok(!on.authorize(caller('bob'), Op.WRITE, Res.TOPIC, 'orders'));
    assert.ok(!on.authorize(caller('alice'), Op.WRITE, Res.TOPIC, 'payments'), 'no ACL: denied by default');
    assert.ok(on.authorize(caller('admin'), Op.DELETE, Res.TOPIC, 'payments'), 'super user');
  });

  it('allow.everyone.if.no.acl.found opens only resources without any ACL', () => {
    const open = new Authorizer(store, { enabled: true, superUsers: [], allowEveryoneIfNoAclFound: true });
    assert.ok(open.authorize(caller('bob'), Op.WRITE, Res.TOPIC, 'payments'));
    assert.ok(!open.authorize(caller('bob'), Op.WRITE, Res.TOPIC, 'orders'));
  });
});

describe('apiRequirements', () => {
  it('names what every served API needs', () => {
    const missing = handlers.map((h) => h.name).filter((name) => !(name in apiRequirements));
    assert.deepEqual(missing, []);
  });
});
