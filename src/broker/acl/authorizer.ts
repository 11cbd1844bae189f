// Decides whether a caller may perform an operation on a resource, as Kafka's
// StandardAuthorizer does: off, everything is allowed (and the ACL APIs answer
// SECURITY_DISABLED); on, super users may do anything, a resource without any ACL
// is open only with allow.everyone.if.no.acl.found, and otherwise a matching DENY
// beats a matching ALLOW, and no match is a denial.
import { appliesToResource, decide } from './matcher.js';
import type { AclStore } from './store.js';

export interface AuthorizerOptions {
  /** authorizer.class.name set: ACLs are enforced. */
  enabled: boolean;
  /** super.users: principals (`User:admin`) allowed everything. */
  superUsers: readonly string[];
  /** allow.everyone.if.no.acl.found: a resource without ACLs is open to all. Default false. */
  allowEveryoneIfNoAclFound: boolean;
}

/** Who asks: the principal and the address it connects from. */
export interface Caller {
  principal: string;
  host: string;
}

export class Authorizer {
  private readonly superUsers: ReadonlySet<string>;

  constructor(
    readonly store: AclStore,
    private readonly options: AuthorizerOptions,
  ) {
    this.superUsers = new Set(options.superUsers);
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  authorize(caller: Caller, operation: number, resourceType: number, resourceName: string): boolean {
    if (!this.options.enabled || this.superUsers.has(caller.principal)) return true;
    const acls = this.store.ofType(resourceType).filter((a) => appliesToResource(a, resourceType, resourceName));
    const decision = decide(acls, caller.principal, caller.host, operation);
    return decision === 'allow' || (decision === 'no-acl' && this.options.allowEveryoneIfNoAclFound);
  }
}
