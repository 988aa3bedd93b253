import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { keys } from '../../shared/data/keys';
import { getMember, updateMember } from '../../shared/data/member-repository';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { identityDirectory } from '../../shared/identity/identity-directory';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { acceptInvitation, inviteMembers } from '../../shared/services/invitation-service';
import { reindexMembers } from '../../shared/services/maintenance-service';
import { getMe } from '../../shared/services/me-service';
import { purgeExpiredAssignments } from '../../shared/services/member-admin-service';
import {
  capturing,
  deliveredTokens,
  deps,
  dynamoDbCalls,
  memberIn,
  meta,
  tenantWithOwner,
  uniqueEmail,
} from '../support/fixtures';
import { invoke } from '../support/invoke';

/**
 * Copies the data model keeps so that reads take one key-condition query or one round trip: the principal
 * link's custom role ids (authorization) and the status in the index keys of role assignments and search
 * terms (`GET /members?roleId=|q=` with `&status=`). Each must follow every change of its member.
 */

async function linkHint(userId: string, tenantId: string): Promise<readonly string[] | undefined> {
  const { Item } = await deps().db.send(
    new GetCommand({ TableName: deps().tableName, Key: keys.principalLink(userId, tenantId), ConsistentRead: true }),
  );
  return Item?.customRoleIds as readonly string[] | undefined;
}

/** The keys of a member's search-term items, read consistently from the base table. */
async function searchTermKeys(tenantId: string, memberId: string): Promise<{ PK: string; SK: string }[]> {
  const { Items } = await deps().db.send(
    new QueryCommand({
      TableName: deps().tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      FilterExpression: 'memberId = :memberId',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).PK, ':prefix': 'SEARCH#', ':memberId': memberId },
      ConsistentRead: true,
    }),
  );
  return (Items ?? []).map((item) => ({ PK: String(item.PK), SK: String(item.SK) }));
}

async function customRole(tenantId: string, identity: Identity, name: string, permissions: string[]) {
  const created = await invoke(routes.createRole, { identity, params: { tenantId }, body: { name, permissions } });
  expect(created.status).toBe(201);
  return created.body.roleId as string;
}

describe('the principal link lists its member’s custom roles (authorization in two round trips)', () => {
  it('is written on accept and follows PATCH, role deletion with reassignment and the purge; the caller is read in 2 calls', async () => {
    const { tenantId, owner } = await tenantWithOwner(20);
    const exporter = await customRole(tenantId, owner.identity, 'Exporter', ['audit:read']);
    const inviter = await customRole(tenantId, owner.identity, 'Inviter', ['users:read']);

    const { deps: d, events } = capturing();
    const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const email = uniqueEmail('hint');
    const invited = await inviteMembers(
      d,
      ownerCaller,
      { emails: [email], roles: [{ roleId: exporter }, { roleId: 'agent' }] },
      meta(),
    );
    const [delivered] = await deliveredTokens(events);
    const identity: Identity = { userId: `sub-${ulid()}`, email, groups: [] };
    const userId = identity.userId;
    expect(
      (await acceptInvitation(deps(), identityDirectory(), { token: delivered!.token, identity }, meta())).status,
    ).toBe('active');
    expect(await linkHint(userId, tenantId)).toEqual([exporter]);

    // Authorization: the link, then the member and its custom role in one BatchGetItem.
    const read = await dynamoDbCalls(() => resolveTenantCaller(deps(), identity, tenantId));
    expect(read.commands).toEqual(['GetItemCommand', 'BatchGetItemCommand']);
    expect(read.result.effectivePermissions.map((p) => p.permission)).toContain('audit:read');

    // /v1/me: the links, then the members with their listed roles beside the tenants; no third read.
    const me = await dynamoDbCalls(() => getMe(deps(), identity));
    expect(me.commands.sort()).toEqual(['BatchGetItemCommand', 'BatchGetItemCommand', 'QueryCommand']);
    const membership = me.result.memberships.find((m) => m.tenantId === tenantId)!;
    expect(membership.effectivePermissions.map((p) => p.permission)).toContain('audit:read');

    const memberId = invited.created[0]!.memberId;
    const patched = await invoke(routes.updateMember, {
      identity: owner.identity,
      params: { tenantId, memberId },
      body: { roles: [{ roleId: inviter }, { roleId: 'agent' }] },
    });
    expect(patched.status).toBe(200);
    expect(await linkHint(userId, tenantId)).toEqual([inviter]);
    // The change applies to the very next request: the old role's permission is gone, the new one is there.
    const afterPatch = await resolveTenantCaller(deps(), identity, tenantId);
    expect(afterPatch.effectivePermissions.map((p) => p.permission)).not.toContain('audit:read');
    expect(afterPatch.effectivePermissions.map((p) => p.permission)).toContain('users:read');

    const deleted = await invoke(routes.deleteRole, {
      identity: owner.identity,
      params: { tenantId, roleId: inviter },
      query: { reassignTo: exporter },
    });
    expect(deleted.status).toBe(204);
    expect(await linkHint(userId, tenantId)).toEqual([exporter]);

    // A time-bound custom role: the purge that removes it also removes it from the link.
    const member = (await getMember(deps(), tenantId, memberId))!;
    const soon = new Date(Date.now() + 1500).toISOString();
    const timeBound = await invoke(routes.updateMember, {
      identity: owner.identity,
      params: { tenantId, memberId },
      headers: { 'if-match': `"${member.version}"` },
      body: { roles: [{ roleId: exporter, expiresAt: soon }, { roleId: 'agent' }] },
    });
    expect(timeBound.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await purgeExpiredAssignments(deps());
    expect(await linkHint(userId, tenantId)).toEqual([]);
    const afterPurge = await dynamoDbCalls(() => resolveTenantCaller(deps(), identity, tenantId));
    expect(afterPurge.commands).toEqual(['GetItemCommand', 'GetItemCommand']);
    expect(afterPurge.result.roleIds).toEqual(['agent']);
  });

  it('moves the hints of every holder when a role with more holders than one transaction takes is reassigned', async () => {
    const { tenantId, owner } = await tenantWithOwner(60);
    const from = await customRole(tenantId, owner.identity, 'From', ['users:read']);
    const to = await customRole(tenantId, owner.identity, 'To', ['audit:read']);
    const holders = await Promise.all(
      Array.from({ length: 30 }, () => memberIn(tenantId, { roles: [{ roleId: from }] })),
    );
    const deleted = await invoke(routes.deleteRole, {
      identity: owner.identity,
      params: { tenantId, roleId: from },
      query: { reassignTo: to },
    });
    expect(deleted.status).toBe(204);
    for (const holder of holders) expect(await linkHint(holder.identity.userId, tenantId)).toEqual([to]);
  });

  it('still grants a custom role the link does not list (a link written before the hint existed): one more read', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const exporter = await customRole(tenantId, owner.identity, 'Exporter', ['audit:read']);
    const holder = await memberIn(tenantId, { roles: [{ roleId: exporter }] });
    await deps().db.send(
      new UpdateCommand({
        TableName: deps().tableName,
        Key: keys.principalLink(holder.identity.userId, tenantId),
        UpdateExpression: 'REMOVE customRoleIds',
      }),
    );
    const read = await dynamoDbCalls(() => resolveTenantCaller(deps(), holder.identity, tenantId));
    expect(read.commands).toEqual(['GetItemCommand', 'GetItemCommand', 'BatchGetItemCommand']);
    expect(read.result.effectivePermissions.map((p) => p.permission)).toContain('audit:read');
  });
});

describe('members by role or search prefix within one status (status-scoped index keys)', () => {
  it('answers full pages of exactly the members in that status, and follows suspend and reactivate', async () => {
    const { tenantId, owner } = await tenantWithOwner(40);
    const tag = `scoped-${Date.now()}`;
    const active = await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        memberIn(tenantId, { email: `${tag}-a${i}@example.com`, roles: [{ roleId: 'agent' }] }),
      ),
    );
    const suspended = await Promise.all(
      [1, 2, 3].map((i) =>
        memberIn(tenantId, { status: 'suspended', email: `${tag}-s${i}@example.com`, roles: [{ roleId: 'agent' }] }),
      ),
    );
    const invited = await Promise.all(
      [1, 2].map((i) =>
        memberIn(tenantId, { status: 'invited', email: `${tag}-i${i}@example.com`, roles: [{ roleId: 'agent' }] }),
      ),
    );
    await Promise.all(
      [1, 2].map((i) =>
        memberIn(tenantId, { status: 'suspended', email: `${tag}-v${i}@example.com`, roles: [{ roleId: 'viewer' }] }),
      ),
    );

    async function allPages(query: Record<string, string>) {
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await invoke(routes.listMembers, {
          identity: owner.identity,
          params: { tenantId },
          query: { ...query, limit: '2', ...(cursor ? { cursor } : {}) },
        });
        expect(page.status).toBe(200);
        pages.push(page.body.items.map((m: { memberId: string }) => m.memberId));
        cursor = page.body.nextCursor ?? undefined;
      } while (cursor);
      return pages;
    }
    const ids = (members: { member: { memberId: string } }[]) => members.map((m) => m.member.memberId).sort();

    // Every page but the last is full: the index holds only that status, nothing is read to be dropped.
    const suspendedAgents = await allPages({ roleId: 'agent', status: 'suspended' });
    expect(suspendedAgents.slice(0, -1).every((page) => page.length === 2)).toBe(true);
    expect(suspendedAgents.flat().sort()).toEqual(ids(suspended));
    const invitedByEmail = await allPages({ q: tag, status: 'invited' });
    expect(invitedByEmail[0]).toHaveLength(2);
    expect(invitedByEmail.flat().sort()).toEqual(ids(invited));

    const target = active[0]!.member.memberId;
    expect(
      (await invoke(routes.suspendMember, { identity: owner.identity, params: { tenantId, memberId: target } })).status,
    ).toBe(200);
    expect((await allPages({ roleId: 'agent', status: 'suspended' })).flat()).toContain(target);
    expect((await allPages({ q: `${tag}-a1`, status: 'active' })).flat()).toEqual([]);
    expect((await allPages({ q: `${tag}-a1`, status: 'suspended' })).flat()).toEqual([target]);

    expect(
      (await invoke(routes.reactivateMember, { identity: owner.identity, params: { tenantId, memberId: target } }))
        .status,
    ).toBe(200);
    expect((await allPages({ roleId: 'agent', status: 'suspended' })).flat().sort()).toEqual(ids(suspended));
    expect((await allPages({ roleId: 'agent', status: 'active' })).flat().sort()).toEqual(ids(active));

    // A cursor of one status does not continue another's list.
    const first = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { roleId: 'agent', status: 'active', limit: '1' },
    });
    const crossed = await invoke(routes.listMembers, {
      identity: owner.identity,
      params: { tenantId },
      query: { roleId: 'agent', status: 'suspended', cursor: first.body.nextCursor },
    });
    expect(crossed.status).toBe(400);
    expect(crossed.body.code).toBe('invalid_cursor');
  });

  it('finds a member by name or email whatever separators the query uses, reading one index item when the name prefixes the email', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const ada = await memberIn(tenantId, { email: 'ada.lovelace@example.com', roles: [{ roleId: 'agent' }] });
    const named = { ...ada.member, displayName: 'Ada Lovelace', version: ada.member.version + 1 };
    await transactWrite(
      deps(),
      updateMember(deps(), ada.member, named).map((item) => ({ item })),
    );
    const grace = await memberIn(tenantId, { email: 'g.hopper@example.com', roles: [{ roleId: 'agent' }] });
    await transactWrite(
      deps(),
      updateMember(deps(), grace.member, {
        ...grace.member,
        displayName: 'Grace Hopper',
        version: grace.member.version + 1,
      }).map((item) => ({ item })),
    );

    for (const q of ['ada', 'Ada Lovelace', 'ada.lovelace', 'ADA_L', 'ada-lovelace@example']) {
      const found = await invoke(routes.listMembers, { identity: owner.identity, params: { tenantId }, query: { q } });
      expect(
        found.body.items.map((m: { memberId: string }) => m.memberId),
        q,
      ).toEqual([ada.member.memberId]);
    }
    for (const q of ['grace h', 'g.hopper', 'g hop']) {
      const found = await invoke(routes.listMembers, {
        identity: owner.identity,
        params: { tenantId },
        query: { q, status: 'active' },
      });
      expect(
        found.body.items.map((m: { memberId: string }) => m.memberId),
        q,
      ).toEqual([grace.member.memberId]);
    }
    const searchItems = async (memberId: string) =>
      (await searchTermKeys(tenantId, memberId)).map((key) => key.SK.split('#')[1]);
    // "ada lovelace" prefixes the email's search form: one term. "grace hopper" does not: two.
    expect(await searchItems(ada.member.memberId)).toEqual(['ada lovelace@example com']);
    expect((await searchItems(grace.member.memberId)).sort()).toEqual(['g hopper@example com', 'grace hopper']);
  });
});

describe('reindexMembers: data written before these keys existed', () => {
  it('rewrites a legacy member so that status-scoped filters, search forms and the link hint work, and a second run changes nothing', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const exporter = await customRole(tenantId, owner.identity, 'Exporter', ['audit:read']);
    const legacy = await memberIn(tenantId, {
      status: 'suspended',
      email: 'ada.lovelace@example.com',
      roles: [{ roleId: exporter }],
    });
    const member = { ...legacy.member, displayName: 'Ada Lovelace', version: legacy.member.version + 1 };
    await transactWrite(
      deps(),
      updateMember(deps(), legacy.member, member).map((item) => ({ item })),
    );
    // Make its reference items look as the earlier design wrote them: no status keys, old terms, no hint.
    const table = deps().tableName;
    const searchKeys = await searchTermKeys(tenantId, member.memberId);
    for (const key of searchKeys) await deps().db.send(new DeleteCommand({ TableName: table, Key: key }));
    for (const term of ['ada.lovelace@example.com', 'ada lovelace']) {
      await deps().db.send(
        new PutCommand({
          TableName: table,
          Item: {
            ...keys.memberSearchTerm(tenantId, term, member.memberId),
            entity: 'memberSearch',
            memberId: member.memberId,
          },
        }),
      );
    }
    await deps().db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.roleAssignment(tenantId, exporter, member.memberId),
        UpdateExpression: 'REMOVE GSI1PK, GSI1SK',
      }),
    );
    await deps().db.send(
      new UpdateCommand({
        TableName: table,
        Key: keys.principalLink(legacy.identity.userId, tenantId),
        UpdateExpression: 'REMOVE customRoleIds',
      }),
    );

    const list = async (query: Record<string, string>) =>
      (await invoke(routes.listMembers, { identity: owner.identity, params: { tenantId }, query })).body.items.map(
        (m: { memberId: string }) => m.memberId,
      );
    expect(await list({ roleId: exporter, status: 'suspended' })).toEqual([]);
    expect(await list({ q: 'ada l', status: 'suspended' })).toEqual([]);

    expect(await reindexMembers(deps(), { tenantId })).toEqual({ members: 2, retried: 0 });
    expect(await list({ roleId: exporter, status: 'suspended' })).toEqual([member.memberId]);
    expect(await list({ q: 'ada l', status: 'suspended' })).toEqual([member.memberId]);
    expect(await list({ q: 'ada.lovelace@' })).toEqual([member.memberId]);
    expect(await linkHint(legacy.identity.userId, tenantId)).toEqual([exporter]);
    const terms = (await searchTermKeys(tenantId, member.memberId)).map((key) => key.SK);
    expect(terms).toEqual([keys.memberSearchTerm(tenantId, 'ada lovelace@example com', member.memberId).SK]);

    expect(await reindexMembers(deps(), { tenantId })).toEqual({ members: 2, retried: 0 });
    expect(await list({ roleId: exporter, status: 'suspended' })).toEqual([member.memberId]);
  });
});
