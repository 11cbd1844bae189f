// The ACL matcher: which bindings a filter selects (LITERAL, PREFIXED, MATCH, ANY)
// and the decision for a caller (DENY wins, wildcards, implied DESCRIBE).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, filterMatches, appliesToResource } from '../../../src/broker/acl/matcher.js';
import { AclOperation as Op, PatternType as Pattern, PermissionType as Perm, ResourceType as Res, type AclBinding, type AclBindingFilter } from '../../../src/broker/acl/types.js';

const acl = (over: Partial<AclBinding>): AclBinding => ({
  resourceType: Res.TOPIC,
  resourceName: 'orders',
  patternType: Pattern.LITERAL,
  principal: 'User:alice',
  host: '*',
  operation: Op.WRITE,
  permissionType: Perm.ALLOW,
  ...over,
});
const anyFilter: AclBindingFilter = { resourceType: Res.ANY, resourceName: null, patternType: Pattern.ANY, principal: null, host: null, operation: Op.ANY, permissionType: Perm.ANY };
const filter = (over: Partial<AclBindingFilter>): AclBindingFilter => ({ ...anyFilter, ...over });

describe('filterMatches', () => {
  const literal = acl({});
  const wildcard = acl({ resourceName: '*' });
  const prefixed = acl({ resourceName: 'ord', patternType: Pattern.PREFIXED });
  const group = acl({ resourceType: Res.GROUP, resourceName: 'orders', operation: Op.READ });
  const all = [literal, wildcard, prefixed, group];
  const names = (f: AclBindingFilter) => all.filter((a) => filterMatches(f, a));

  it('ANY selects every binding; resource type narrows', () => {
    assert.equal(names(anyFilter).length, 4);
    assert.deepEqual(names(filter({ resourceType: Res.GROUP })), [group]);
  });

  it('LITERAL and PREFIXED select their own pattern type with the exact name', () => {
    assert.deepEqual(names(filter({ resourceType: Res.TOPIC, patternType: Pattern.LITERAL, resourceName: 'orders' })), [literal]);
    assert.deepEqual(names(filter({ patternType: Pattern.PREFIXED, resourceName: 'ord' })), [prefixed]);
    assert.deepEqual(names(filter({ patternType: Pattern.PREFIXED, resourceName: 'orders' })), []);
  });

  it('ANY with a name selects every pattern type of exactly that name', () => {
    assert.deepEqual(names(filter({ resourceType: Res.TOPIC, resourceName: 'orders' })), [literal]);
    assert.deepEqual(names(filter({ resourceName: '*' })), [wildcard]);
  });

  it('MATCH selects what applies to the name: the literal, the wildcard and covering prefixes', () => {
    assert.deepEqual(names(filter({ resourceType: Res.TOPIC, patternType: Pattern.MATCH, resourceName: 'orders' })), [literal, wildcard, prefixed]);
    assert.deepEqual(names(filter({ resourceType: Res.TOPIC, patternType: Pattern.MATCH, resourceName: 'payments' })), [wildcard]);
  });

  it('entry fields: principal, host, operation and permission', () => {
    const deny = acl({ principal: 'User:bob', host: '10.0.0.1', operation: Op.READ, permissionType: Perm.DENY });
    assert.ok(filterMatches(filter({ principal: 'User:bob', host: '10.0.0.1', operation: Op.READ, permissionType: Perm.DENY }), deny));
    assert.ok(!filterMatches(filter({ principal: 'User:alice' }), deny));
    assert.ok(!filterMatches(filter({ host: '*' }), deny));
    assert.ok(!filterMatches(filter({ operation: Op.WRITE }), deny));
    assert.ok(!filterMatches(filter({ permissionType: Perm.ALLOW }), deny));
  });
});

describe('decide', () => {
  const on = (acls: AclBinding[], name: string) => acls.filter((a) => appliesToResource(a, Res.TOPIC, name));
  const check = (acls: AclBinding[], principal: string, op: number, name = 'orders', host = '127.0.0.1') => decide(on(acls, name), principal, host, op);

  it('no ACL on the resource is no-acl; an ACL for someone else is a denial', () => {
    assert.equal(check([], 'User:alice', Op.WRITE), 'no-acl');
    assert.equal(check([acl({ principal: 'User:bob' })], 'User:alice', Op.WRITE), 'deny');
  });

  it('ALLOW grants its operation, and READ/WRITE imply DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS', () => {
    assert.equal(check([acl({})], 'User:alice', Op.WRITE), 'allow');
    assert.equal(check([acl({})], 'User:alice', Op.READ), 'deny');
    assert.equal(check([acl({})], 'User:alice', Op.DESCRIBE), 'allow');
    assert.equal(check([acl({ operation: Op.ALTER_CONFIGS })], 'User:alice', Op.DESCRIBE_CONFIGS), 'allow');
    assert.equal(check([acl({ operation: Op.ALL })], 'User:alice', Op.DELETE), 'allow');
  });

  it('DENY wins over ALLOW, and DENY ALL denies everything', () => {
    assert.equal(check([acl({}), acl({ permissionType: Perm.DENY })], 'User:alice', Op.WRITE), 'deny');
    assert.equal(check([acl({ operation: Op.ALL }), acl({ operation: Op.ALL, permissionType: Perm.DENY, principal: 'User:*' })], 'User:alice', Op.READ), 'deny');
    // DENY of READ does not deny DESCRIBE implied by WRITE.
    assert.equal(check([acl({}), acl({ operation: Op.READ, permissionType: Perm.DENY })], 'User:alice', Op.DESCRIBE), 'allow');
  });

  it('wildcard principal, wildcard and literal hosts', () => {
    assert.equal(check([acl({ principal: 'User:*' })], 'User:carol', Op.WRITE), 'allow');
    assert.equal(check([acl({ host: '10.0.0.9' })], 'User:alice', Op.WRITE), 'deny');
    assert.equal(check([acl({ host: '10.0.0.9' })], 'User:alice', Op.WRITE, 'orders', '10.0.0.9'), 'allow');
  });

  it('wildcard and PREFIXED resource patterns', () => {
    const acls = [acl({ resourceName: '*', operation: Op.READ }), acl({ resourceName: 'logs-', patternType: Pattern.PREFIXED })];
    assert.equal(check(acls, 'User:alice', Op.READ, 'anything'), 'allow');
    assert.equal(check(acls, 'User:alice', Op.WRITE, 'logs-app'), 'allow');
    assert.equal(check(acls, 'User:alice', Op.WRITE, 'log'), 'deny');
  });
});
