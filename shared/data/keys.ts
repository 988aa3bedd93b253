/**
 * Every key of the single table is built here, and nowhere else.
 *
 * | entity             | PK                      | SK                        | GSI1 (PK / SK)                                 |
 * |--------------------|-------------------------|---------------------------|------------------------------------------------|
 * | tenant             | TENANT#<t>              | TENANT                    | -                                              |
 * | member             | TENANT#<t>              | MEMBER#<memberId>         | TENANT#<t>#STATUS#<status> / <email>#<memberId> |
 * | email guard        | TENANT#<t>              | EMAIL#<email>             | -                                              |
 * | custom role        | TENANT#<t>              | ROLE#<roleId>             | -                                              |
 * | role-name guard    | TENANT#<t>              | ROLENAME#<lower name>     | -                                              |
 * | principal link     | USER#<sub>              | TENANT#<t>                | -                                              |
 * | outbox event       | OUTBOX#<eventId>        | OUTBOX                    | -                                              |
 *
 * The principal link maps a Cognito identity (`sub`) to its member id in a tenant: it is what every
 * authenticated request reads (consistently) to find the caller's membership, and what `/v1/me` queries.
 * Guards are items whose only job is to make a uniqueness rule a conditional write.
 */

export const TENANT_PREFIX = 'TENANT#';
export const MEMBER_PREFIX = 'MEMBER#';
export const ROLE_PREFIX = 'ROLE#';
export const OUTBOX_PREFIX = 'OUTBOX#';

export interface ItemKey {
  PK: string;
  SK: string;
}

export const keys = {
  tenant: (tenantId: string): ItemKey => ({ PK: `${TENANT_PREFIX}${tenantId}`, SK: 'TENANT' }),

  member: (tenantId: string, memberId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${MEMBER_PREFIX}${memberId}`,
  }),
  /** Partition + sort-key prefix of all members of a tenant, ordered by member id (ULID: invitation time). */
  membersOfTenant: (tenantId: string) => ({ PK: `${TENANT_PREFIX}${tenantId}`, skPrefix: MEMBER_PREFIX }),
  memberStatusIndex: (tenantId: string, status: string, email: string, memberId: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#STATUS#${status}`,
    GSI1SK: `${email}#${memberId}`,
  }),
  membersByStatus: (tenantId: string, status: string) => ({ GSI1PK: `${TENANT_PREFIX}${tenantId}#STATUS#${status}` }),

  emailGuard: (tenantId: string, email: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `EMAIL#${email}`,
  }),

  role: (tenantId: string, roleId: string): ItemKey => ({ PK: `${TENANT_PREFIX}${tenantId}`, SK: `${ROLE_PREFIX}${roleId}` }),
  rolesOfTenant: (tenantId: string) => ({ PK: `${TENANT_PREFIX}${tenantId}`, skPrefix: ROLE_PREFIX }),
  roleNameGuard: (tenantId: string, name: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `ROLENAME#${name.trim().toLowerCase()}`,
  }),

  principalLink: (userId: string, tenantId: string): ItemKey => ({ PK: `USER#${userId}`, SK: `${TENANT_PREFIX}${tenantId}` }),
  principalLinksOfUser: (userId: string) => ({ PK: `USER#${userId}`, skPrefix: TENANT_PREFIX }),

  outboxEvent: (eventId: string): ItemKey => ({ PK: `${OUTBOX_PREFIX}${eventId}`, SK: 'OUTBOX' }),
} as const;
