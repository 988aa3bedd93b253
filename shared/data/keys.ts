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
 * | look-alike guard   | TENANT#<t>              | ROLESKELETON#<nameKey>    | -                                              |
 * | role assignment    | TENANT#<t>              | ROLEASSIGN#<roleId>#<memberId> | TENANT#<t>#ROLE#<roleId>#STATUS#<status> / <memberId> |
 * | member search term | TENANT#<t>              | SEARCH#<term>#<memberId>  | TENANT#<t>#SEARCH#STATUS#<status> / <term>#<memberId> |
 * | principal link     | USER#<sub>              | TENANT#<t>                | -                                              |
 * | invitation         | TENANT#<t>              | INVITATION#<id>           | TENANT#<t>#INVITATIONS / <expiresAt>#<id>      |
 * | invitation token   | INVITATION_TOKEN#<sha256> | TOKEN                   | -                                              |
 * | outbox event       | OUTBOX#<eventId>        | OUTBOX                    | -                                              |
 * | audit export       | TENANT#<t>              | EXPORT#<exportId>         | -                                              |
 * | export slot        | TENANT#<t>              | EXPORTSLOT#<0..n-1>       | -                                              |
 * | bot                | TENANT#<t>              | BOT#<botId>               | -                                              |
 * | bot search term    | TENANT#<t>              | BOTSEARCH#<term>#<botId>  | -                                              |
 * | resource grant     | TENANT#<t>              | GRANT#<type>#<id>#<principalType>#<principalId> | TENANT#<t>#PRINCIPAL#<principalType>#<principalId> / <type>#<id> |
 * | group              | TENANT#<t>              | GROUP#<groupId>           | -                                              |
 * | group-name guard   | TENANT#<t>              | GROUPNAME#<nameKey>       | -                                              |
 * | group membership   | TENANT#<t>              | GROUPMEMBER#<groupId>#<memberId> | -                                       |
 * | seat reservation   | TENANT#<t>              | SEATRESERVATION#<id>      | -                                              |
 *
 * Invitations also use GSI2 (EXPIRY#INVITATION#<shard> / <expiresAt>#<t>#<id>) so the purge finds every
 * expired invitation of every tenant with key-condition queries, and GSI3 (EMAIL#<email> /
 * INVITATION#<createdAt>#<id>) for an invitee's own pending invitations. Expiry partitions are sharded
 * so that no single GSI partition takes every invitation write. Outbox events use GSI2 too, while undelivered
 * (OUTBOX_PENDING#<shard> / <last delivery attempt>#<eventId>), so that the redrive finds stuck ones by key.
 *
 * The principal link maps a Cognito identity (`sub`) to its member id in a tenant: it is what every
 * authenticated request reads (consistently) to find the caller's membership, and what `/v1/me` queries.
 * Guards are items whose only job is to make a uniqueness rule a conditional write.
 * Role assignments mirror `member.roles` (written in the same transactions) so that a role's holders can
 * be counted and listed by key, and time-bound ones found by the purge through GSI2
 * (EXPIRY#ROLE_ASSIGNMENT#<shard> / <expiresAt>#<t>#<memberId>#<roleId>). Search terms (a member's email and
 * lower-cased display name) make `?q=` a prefix query on the sort key. Both also carry their member's
 * status in a GSI1 key, so that `roleId` or `q` combined with `status` is one key-condition query too
 * (a status change rewrites them in the member's transaction: shared/data/member-repository.ts).
 *
 * Bots are the first resource type (SPEC §7). A resource grant holds one principal's roles on one resource; its
 * SK starts with the resource (`GRANT#bot#<botId>#`), so every grant on a resource is one key-condition query
 * (deletion, the access list), and its GSI1 key lists a principal's grants by resource type
 * (`/members/{id}/bots`). A grant with time-bound roles is also in GSI2 (EXPIRY#BOT_GRANT#<shard> /
 * <earliest expiresAt>#<t>#bot#<botId>#<principalType>#<principalId>) for the purge. A second resource type
 * takes a new `<type>` value in these keys, not new keys. Bot
 * search terms (the lower-cased name and id) make `GET /bots?q=` a prefix query on the sort key.
 *
 * Access requests (SPEC §9): the request is `TENANT#<t>` / `ACCESSREQ#<requestId>` (every request of a tenant,
 * in id order, is one key-condition query) and carries a key in each GSI, so that each filter of
 * `GET /access-requests` is a key-condition query too: GSI1 by status
 * (`TENANT#<t>#ACCESSREQ#STATUS#<status>` / `<requestId>`), GSI2 by requester
 * (`TENANT#<t>#ACCESSREQ#REQUESTER#<memberId>` / `<status>#<requestId>`) and GSI3 by bot
 * (`TENANT#<t>#ACCESSREQ#BOT#<botId>` / `<status>#<requestId>`); a status change rewrites them in the request's
 * transaction. While a request is pending, a guard `TENANT#<t>` / `PENDINGREQ#<botId>#<memberId>` (written with
 * attribute_not_exists, deleted when it leaves pending) keeps it the only pending one of that member on that
 * bot; the guard also carries the expiry entry (GSI2 `EXPIRY#ACCESS_REQUEST#<shard>` /
 * `<expiresAt>#<t>#<requestId>`), so the purge finds exactly the pending requests that are due.
 *
 * Notifications are per person, not per tenant: `USER#<userId>` / `NOTIF#<notificationId>` (ids are
 * time-ordered ULIDs, so the partition lists newest first), beside the principal links; while unread, also in
 * GSI1 (`USER#<userId>#UNREAD` / `<notificationId>`, removed when read: a sparse index for `?unread=true`).
 *
 * The principal link also lists the custom role ids its member holds (`customRoleIds`, kept in the member's
 * transactions), so that authorization reads the member and those roles in one BatchGetItem.
 *
 * Groups (SPEC §8): a membership item per (group, member) under the group's prefix makes a group's members one
 * key-condition query; the member record and its principal link both hold the member's group ids (a string
 * set `groupIds`, changed in the membership's transaction), so that authorization reads the member's groups in
 * the same BatchGetItem as the member, and the limit of 50 groups is a condition on the member's own item.
 * A group with time-bound roles is in GSI2 (EXPIRY#GROUP_ROLE#<shard> / <earliest expiresAt>#<t>#<groupId>).
 *
 * A seat reservation holds seats a bulk invitation took on the tenant's counter for one of its chunks, until
 * that chunk's transaction consumes it (shared/data/tenant-repository.ts); one a crash left behind is found by
 * the purge in GSI2 (EXPIRY#SEAT_RESERVATION#<shard> / <expiresAt>#<t>#<id>) and released with its seats.
 */

export const TENANT_PREFIX = 'TENANT#';
export const MEMBER_PREFIX = 'MEMBER#';
export const ROLE_PREFIX = 'ROLE#';
export const OUTBOX_PREFIX = 'OUTBOX#';
export const AUDIT_EXPORT_PREFIX = 'EXPORT#';
export const BOT_PREFIX = 'BOT#';
export const GRANT_PREFIX = 'GRANT#';
export const ACCESS_REQUEST_PREFIX = 'ACCESSREQ#';
export const NOTIFICATION_PREFIX = 'NOTIF#';
export const GROUP_PREFIX = 'GROUP#';

/** Partitions per expiry index (and of the undelivered-outbox index): the jobs query each; writes spread over them. */
export const EXPIRY_SHARDS = 4;

/** Stable shard of an id: ULIDs end in 80 random bits, so the last character is uniform. */
function shardOf(id: string): number {
  return id.charCodeAt(id.length - 1) % EXPIRY_SHARDS;
}

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

  role: (tenantId: string, roleId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${ROLE_PREFIX}${roleId}`,
  }),
  rolesOfTenant: (tenantId: string) => ({ PK: `${TENANT_PREFIX}${tenantId}`, skPrefix: ROLE_PREFIX }),
  roleNameGuard: (tenantId: string, name: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `ROLENAME#${name.trim().toLowerCase()}`,
  }),
  /**
   * Keeps names that look the same unique: `nameKey` is the role's stored `roleNameKey` (TR39 skeleton, any
   * case: shared/domain/role-names.ts). Roles made before it existed have only the exact-name guard above.
   */
  roleNameLookalikeGuard: (tenantId: string, nameKey: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `ROLESKELETON#${nameKey}`,
  }),

  roleAssignment: (tenantId: string, roleId: string, memberId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `ROLEASSIGN#${roleId}#${memberId}`,
  }),
  roleAssignmentExpiryIndex: (tenantId: string, roleId: string, memberId: string, expiresAt: string) => ({
    GSI2PK: `EXPIRY#ROLE_ASSIGNMENT#${shardOf(memberId)}`,
    GSI2SK: `${expiresAt}#${tenantId}#${memberId}#${roleId}`,
  }),
  roleAssignmentExpiryShards: () =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({ GSI2PK: `EXPIRY#ROLE_ASSIGNMENT#${shard}` })),
  holdersOfRole: (tenantId: string, roleId: string) => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    skPrefix: `ROLEASSIGN#${roleId}#`,
  }),
  roleAssignmentStatusIndex: (tenantId: string, roleId: string, status: string, memberId: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#ROLE#${roleId}#STATUS#${status}`,
    GSI1SK: memberId,
  }),
  holdersOfRoleWithStatus: (tenantId: string, roleId: string, status: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#ROLE#${roleId}#STATUS#${status}`,
    skPrefix: '',
  }),

  memberSearchTerm: (tenantId: string, term: string, memberId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `SEARCH#${term}#${memberId}`,
  }),
  memberSearch: (tenantId: string, prefix: string) => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    skPrefix: `SEARCH#${prefix}`,
  }),
  memberSearchTermStatusIndex: (tenantId: string, term: string, status: string, memberId: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#SEARCH#STATUS#${status}`,
    GSI1SK: `${term}#${memberId}`,
  }),
  memberSearchWithStatus: (tenantId: string, prefix: string, status: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#SEARCH#STATUS#${status}`,
    skPrefix: prefix,
  }),

  principalLink: (userId: string, tenantId: string): ItemKey => ({
    PK: `USER#${userId}`,
    SK: `${TENANT_PREFIX}${tenantId}`,
  }),
  principalLinksOfUser: (userId: string) => ({ PK: `USER#${userId}`, skPrefix: TENANT_PREFIX }),

  invitation: (tenantId: string, invitationId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `INVITATION#${invitationId}`,
  }),
  invitationIndexes: (tenantId: string, invitationId: string, email: string, expiresAt: string, createdAt: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#INVITATIONS`,
    GSI1SK: `${expiresAt}#${invitationId}`,
    GSI2PK: `EXPIRY#INVITATION#${shardOf(invitationId)}`,
    GSI2SK: `${expiresAt}#${tenantId}#${invitationId}`,
    GSI3PK: `EMAIL#${email}`,
    GSI3SK: `INVITATION#${createdAt}#${invitationId}`,
  }),
  invitationsOfTenant: (tenantId: string) => ({ GSI1PK: `${TENANT_PREFIX}${tenantId}#INVITATIONS` }),
  invitationExpiryShards: () =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({ GSI2PK: `EXPIRY#INVITATION#${shard}` })),
  invitationsForEmail: (email: string) => ({ GSI3PK: `EMAIL#${email}`, skPrefix: 'INVITATION#' }),
  invitationToken: (tokenHash: string): ItemKey => ({ PK: `INVITATION_TOKEN#${tokenHash}`, SK: 'TOKEN' }),

  seatReservation: (tenantId: string, reservationId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `SEATRESERVATION#${reservationId}`,
  }),
  seatReservationExpiryIndex: (tenantId: string, reservationId: string, expiresAt: string) => ({
    GSI2PK: `EXPIRY#SEAT_RESERVATION#${shardOf(reservationId)}`,
    GSI2SK: `${expiresAt}#${tenantId}#${reservationId}`,
  }),
  seatReservationExpiryShards: () =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({ GSI2PK: `EXPIRY#SEAT_RESERVATION#${shard}` })),

  outboxEvent: (eventId: string): ItemKey => ({ PK: `${OUTBOX_PREFIX}${eventId}`, SK: 'OUTBOX' }),
  /**
   * An undelivered outbox event in GSI2, sorted by the start of its last delivery (the write, then each
   * redrive): the redrive job finds the ones stuck for long with key-condition queries. The consumer deletes
   * a delivered item, and with it this entry, so the index holds only what is still undelivered.
   */
  outboxDeliveryIndex: (eventId: string, attemptAt: string) => ({
    GSI2PK: `OUTBOX_PENDING#${shardOf(eventId)}`,
    GSI2SK: `${attemptAt}#${eventId}`,
  }),
  outboxDeliveryShards: () =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({ GSI2PK: `OUTBOX_PENDING#${shard}` })),

  /** An audit export request; its INSERT (SK prefix EXPORT#) wakes the export worker (shared/jobs/schedules.ts). */
  auditExport: (tenantId: string, exportId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${AUDIT_EXPORT_PREFIX}${exportId}`,
  }),
  /**
   * One of a tenant's few export slots (audit-export-repository.ts): held by an export in progress. Its SK
   * does not start with EXPORT#, so the export worker's stream filter never sees it.
   */
  exportSlot: (tenantId: string, slot: number): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `EXPORTSLOT#${slot}`,
  }),
  exportSlotsOfTenant: (tenantId: string) => ({ PK: `${TENANT_PREFIX}${tenantId}`, skPrefix: 'EXPORTSLOT#' }),

  bot: (tenantId: string, botId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${BOT_PREFIX}${botId}`,
  }),
  /** Partition + sort-key prefix of all bots of a tenant, ordered by bot id. */
  botsOfTenant: (tenantId: string) => ({ PK: `${TENANT_PREFIX}${tenantId}`, skPrefix: BOT_PREFIX }),
  botSearchTerm: (tenantId: string, term: string, botId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `BOTSEARCH#${term}#${botId}`,
  }),
  botSearch: (tenantId: string, prefix: string) => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    skPrefix: `BOTSEARCH#${prefix}`,
  }),

  /** One principal's roles on one resource (`resourceType` is `bot` today). */
  resourceGrant: (
    tenantId: string,
    resourceType: string,
    resourceId: string,
    principalType: string,
    principalId: string,
  ): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${GRANT_PREFIX}${resourceType}#${resourceId}#${principalType}#${principalId}`,
  }),
  /** Every grant on one resource. */
  grantsOnResource: (tenantId: string, resourceType: string, resourceId: string) => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    skPrefix: `${GRANT_PREFIX}${resourceType}#${resourceId}#`,
  }),
  resourceGrantPrincipalIndex: (
    tenantId: string,
    resourceType: string,
    resourceId: string,
    principalType: string,
    principalId: string,
  ) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#PRINCIPAL#${principalType}#${principalId}`,
    GSI1SK: `${resourceType}#${resourceId}`,
  }),
  /**
   * A grant holding at least one time-bound role, in GSI2 under its earliest `expiresAt` (ISO, normalised):
   * the purge finds it by key once that instant has passed. Sharded by the principal (a ULID); a rewrite of
   * the grant moves the entry to its next expiry, or drops it when no time-bound role is left.
   */
  resourceGrantExpiryIndex: (
    tenantId: string,
    resourceType: string,
    resourceId: string,
    principalType: string,
    principalId: string,
    earliestExpiresAt: string,
  ) => ({
    GSI2PK: `EXPIRY#${resourceType.toUpperCase()}_GRANT#${shardOf(principalId)}`,
    GSI2SK: `${earliestExpiresAt}#${tenantId}#${resourceType}#${resourceId}#${principalType}#${principalId}`,
  }),
  resourceGrantExpiryShards: (resourceType: string) =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({
      GSI2PK: `EXPIRY#${resourceType.toUpperCase()}_GRANT#${shard}`,
    })),
  group: (tenantId: string, groupId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${GROUP_PREFIX}${groupId}`,
  }),
  /** Partition + sort-key prefix of all groups of a tenant, by group id. */
  groupsOfTenant: (tenantId: string) => ({ PK: `${TENANT_PREFIX}${tenantId}`, skPrefix: GROUP_PREFIX }),
  /** Keeps group names unique, case-insensitively and among look-alikes (`nameKey`: roleNameKey of the name). */
  groupNameGuard: (tenantId: string, nameKey: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `GROUPNAME#${nameKey}`,
  }),
  groupMembership: (tenantId: string, groupId: string, memberId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `GROUPMEMBER#${groupId}#${memberId}`,
  }),
  /** Every membership of one group, by member id. */
  membersOfGroup: (tenantId: string, groupId: string) => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    skPrefix: `GROUPMEMBER#${groupId}#`,
  }),
  groupRoleExpiryIndex: (tenantId: string, groupId: string, earliestExpiresAt: string) => ({
    GSI2PK: `EXPIRY#GROUP_ROLE#${shardOf(groupId)}`,
    GSI2SK: `${earliestExpiresAt}#${tenantId}#${groupId}`,
  }),
  groupRoleExpiryShards: () =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({ GSI2PK: `EXPIRY#GROUP_ROLE#${shard}` })),

  /** A principal's grants on resources of one type, through GSI1. */
  grantsOfPrincipal: (tenantId: string, principalType: string, principalId: string, resourceType: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#PRINCIPAL#${principalType}#${principalId}`,
    skPrefix: `${resourceType}#`,
  }),
  accessRequest: (tenantId: string, requestId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `${ACCESS_REQUEST_PREFIX}${requestId}`,
  }),
  /** Every access request of a tenant, in id order (time order). */
  accessRequestsOfTenant: (tenantId: string) => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    skPrefix: ACCESS_REQUEST_PREFIX,
  }),
  /** The three list keys of a request: by status (GSI1), by requester (GSI2), by bot (GSI3). */
  accessRequestIndexes: (tenantId: string, requestId: string, status: string, requesterId: string, botId: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#ACCESSREQ#STATUS#${status}`,
    GSI1SK: requestId,
    GSI2PK: `${TENANT_PREFIX}${tenantId}#ACCESSREQ#REQUESTER#${requesterId}`,
    GSI2SK: `${status}#${requestId}`,
    GSI3PK: `${TENANT_PREFIX}${tenantId}#ACCESSREQ#BOT#${botId}`,
    GSI3SK: `${status}#${requestId}`,
  }),
  accessRequestsWithStatus: (tenantId: string, status: string) => ({
    GSI1PK: `${TENANT_PREFIX}${tenantId}#ACCESSREQ#STATUS#${status}`,
    skPrefix: '',
  }),
  /** A requester's requests; `status` narrows them by sort-key prefix. */
  accessRequestsOfRequester: (tenantId: string, requesterId: string, status?: string) => ({
    GSI2PK: `${TENANT_PREFIX}${tenantId}#ACCESSREQ#REQUESTER#${requesterId}`,
    skPrefix: status === undefined ? '' : `${status}#`,
  }),
  /** A bot's requests; `status` narrows them by sort-key prefix. */
  accessRequestsOfBot: (tenantId: string, botId: string, status?: string) => ({
    GSI3PK: `${TENANT_PREFIX}${tenantId}#ACCESSREQ#BOT#${botId}`,
    skPrefix: status === undefined ? '' : `${status}#`,
  }),
  /** The one pending request of a member on a bot: exists exactly while that request is pending. */
  pendingAccessRequestGuard: (tenantId: string, botId: string, memberId: string): ItemKey => ({
    PK: `${TENANT_PREFIX}${tenantId}`,
    SK: `PENDINGREQ#${botId}#${memberId}`,
  }),
  pendingAccessRequestExpiryIndex: (tenantId: string, requestId: string, expiresAt: string) => ({
    GSI2PK: `EXPIRY#ACCESS_REQUEST#${shardOf(requestId)}`,
    GSI2SK: `${expiresAt}#${tenantId}#${requestId}`,
  }),
  pendingAccessRequestExpiryShards: () =>
    Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({ GSI2PK: `EXPIRY#ACCESS_REQUEST#${shard}` })),

  notification: (userId: string, notificationId: string): ItemKey => ({
    PK: `USER#${userId}`,
    SK: `${NOTIFICATION_PREFIX}${notificationId}`,
  }),
  notificationsOfUser: (userId: string) => ({ PK: `USER#${userId}`, skPrefix: NOTIFICATION_PREFIX }),
  /** Present only while the notification is unread. */
  unreadNotificationIndex: (userId: string, notificationId: string) => ({
    GSI1PK: `USER#${userId}#UNREAD`,
    GSI1SK: notificationId,
  }),
  unreadNotificationsOfUser: (userId: string) => ({ GSI1PK: `USER#${userId}#UNREAD`, skPrefix: '' }),
} as const;
