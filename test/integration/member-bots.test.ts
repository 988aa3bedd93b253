import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { putGrant } from '../../shared/data/bot-repository';
import type { ResourceGrantRecord, ResourceRoleAssignment } from '../../shared/data/records';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { registerBot } from '../../shared/services/bot-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { deps, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';

/** SPEC §7: GET /v1/tenants/{tenantId}/members/{memberId}/bots, against DynamoDB Local through the real handler. */

interface MemberBotItem {
  bot: { botId: string; name: string; environments: string[]; ownerMemberId: string };
  roles: ResourceRoleAssignment[];
  permissions: { permission: string; sources: string[] }[];
}

async function setup() {
  const { tenantId, owner } = await tenantWithOwner(200);
  const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
  /** Bots named `<prefix> NN`, ids in that order. */
  const newBots = async (prefix: string, count: number) => {
    const bots: { botId: string; name: string }[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix} ${String(i).padStart(2, '0')}`;
      const botId = `${prefix.toLowerCase()}-${String(i).padStart(2, '0')}-${ulid().toLowerCase()}`;
      bots.push((await registerBot(deps(), ownerCaller, { name, botId }, meta())).bot);
    }
    return bots;
  };
  /** Writes grants (test setup, straight to DynamoDB Local), up to 100 in one transaction. */
  const grant = async (memberId: string, grants: { botId: string; roles: ResourceRoleAssignment[] }[]) => {
    const now = new Date().toISOString();
    await transactWrite(
      deps(),
      grants.map(({ botId, roles }) => {
        const record: ResourceGrantRecord = {
          tenantId,
          resourceType: 'bot',
          resourceId: botId,
          principalType: 'member',
          principalId: memberId,
          roles,
          updatedAt: now,
          version: 1,
        };
        return { item: putGrant(deps(), record, undefined) };
      }),
    );
  };
  const list = (identity: Identity, memberId: string, query: Record<string, string> = {}) =>
    invoke(routes.listMemberBots, { identity, params: { tenantId, memberId }, query });
  /** Every page, following nextCursor to the end. */
  const allPages = async (identity: Identity, memberId: string, query: Record<string, string>) => {
    const pages: MemberBotItem[][] = [];
    let cursor: string | undefined;
    do {
      const result = await list(identity, memberId, { ...query, ...(cursor ? { cursor } : {}) });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      pages.push(result.body.items);
      cursor = result.body.nextCursor ?? undefined;
      if (pages.length > 50) throw new Error('no end to the pages');
    } while (cursor);
    return pages;
  };
  return { tenantId, owner, newBots, grant, list, allPages };
}

const idsOf = (items: MemberBotItem[]) => items.map((item) => item.bot.botId);
const inPast = () => new Date(Date.now() - 60_000).toISOString();

describe('GET /members/{memberId}/bots through the member’s grants', () => {
  it('a filter that drops most grants: 30 bots, inbox:write on 7, limit 3 → pages of 3, 3, 1 (reading on past a gap), the cursor null at the end', async () => {
    const { owner, newBots, grant, allPages, tenantId } = await setup();
    const bots = await newBots('Fleet', 30);
    const agent = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    // Page 2 finds one in its first read (the service reads 20 grants at a time for a page of 3) and must read
    // on to fill the page: 22 bots without inbox:write lie between the 4th and the 5th.
    const withInbox = new Set([0, 1, 2, 3, 26, 27, 28]);
    await grant(
      agent.member.memberId,
      bots.map((bot, i) => ({
        botId: bot.botId,
        roles: [{ roleId: withInbox.has(i) ? 'inbox-agent' : 'insights-analyst' }],
      })),
    );
    const pages = await allPages(owner.identity, agent.member.memberId, { permission: 'inbox:write', limit: '3' });
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((item) => item.bot.botId)).toEqual(
      bots.filter((_, i) => withInbox.has(i)).map((b) => b.botId),
    );
    const first = pages[0]![0]!;
    expect(first.bot).toEqual({
      botId: bots[0]!.botId,
      name: 'Fleet 00',
      environments: ['sandbox', 'staging', 'production'],
      ownerMemberId: owner.member.memberId,
    });
    expect(first.roles).toEqual([{ roleId: 'inbox-agent' }]);
    expect(first.permissions).toContainEqual({ permission: 'inbox:write', sources: ['inbox-agent'] });
    expect(first.permissions).toContainEqual({ permission: 'inbox:read', sources: ['implied'] });

    // Without a permission: every bot the member has a role on, in id order, across pages of 7.
    const everything = await allPages(owner.identity, agent.member.memberId, { limit: '7' });
    expect(everything.map((page) => page.length)).toEqual([7, 7, 7, 7, 2]);
    expect(everything.flat().map((item) => item.bot.botId)).toEqual(bots.map((b) => b.botId));
  });

  it('expired roles and roles limited to environments: an expired grant is not access; a limited role is held but grants nothing to a decision naming no environment', async () => {
    const { owner, newBots, grant, list, tenantId } = await setup();
    const [expired, limited, plain] = await newBots('Mixed', 3);
    const member = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(member.member.memberId, [
      { botId: expired!.botId, roles: [{ roleId: 'inbox-agent', expiresAt: inPast() }] },
      { botId: limited!.botId, roles: [{ roleId: 'bot-developer', environments: ['staging'] }] },
      { botId: plain!.botId, roles: [{ roleId: 'bot-tester' }] },
    ]);
    const all = await list(owner.identity, member.member.memberId);
    expect(idsOf(all.body.items)).toEqual([limited!.botId, plain!.botId]);
    expect(all.body.items[0].roles).toEqual([{ roleId: 'bot-developer', environments: ['staging'] }]);
    expect(all.body.items[0].permissions).toEqual([]);
    expect(all.body.nextCursor).toBeNull();
    // flows:read: bot-tester grants it everywhere; bot-developer only in staging, so not here.
    const flows = await list(owner.identity, member.member.memberId, { permission: 'flows:read' });
    expect(idsOf(flows.body.items)).toEqual([plain!.botId]);
    expect((await list(owner.identity, member.member.memberId, { permission: 'inbox:write' })).body.items).toEqual([]);
  });

  it("a suspended member's bots are listed with what they hold (an admin view)", async () => {
    const { owner, newBots, grant, list, tenantId } = await setup();
    const [bot] = await newBots('Paused', 1);
    const suspended = await memberIn(tenantId, { status: 'suspended', roles: [{ roleId: 'member' }] });
    await grant(suspended.member.memberId, [{ botId: bot!.botId, roles: [{ roleId: 'insights-admin' }] }]);
    const result = await list(owner.identity, suspended.member.memberId, { permission: 'analytics:export' });
    expect(idsOf(result.body.items)).toEqual([bot!.botId]);
    expect(result.body.items[0].permissions).toContainEqual({
      permission: 'analytics:export',
      sources: ['insights-admin'],
    });
  });
});

describe('GET /members/{memberId}/bots for a member holding bot permissions tenant-wide', () => {
  it('every bot of the tenant qualifies, paged over the tenant’s bots, each with the member’s own roles on it', async () => {
    const { owner, newBots, grant, allPages, tenantId } = await setup();
    const bots = await newBots('Tenant', 5);
    const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    await grant(admin.member.memberId, [{ botId: bots[3]!.botId, roles: [{ roleId: 'inbox-agent' }] }]);
    const pages = await allPages(owner.identity, admin.member.memberId, { permission: 'bots:configure', limit: '2' });
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    const items = pages.flat();
    expect(idsOf(items)).toEqual(bots.map((b) => b.botId));
    expect(items[0]!.roles).toEqual([]);
    // Admin holds bots:configure tenant-wide, and bots:publish, which implies it.
    expect(items[0]!.permissions).toContainEqual({ permission: 'bots:configure', sources: ['tenant', 'implied'] });
    expect(items[0]!.permissions.map((p) => p.permission)).not.toContain('bots:delete');
    expect(items[3]!.roles).toEqual([{ roleId: 'inbox-agent' }]);
    expect(items[3]!.permissions).toContainEqual({ permission: 'inbox:write', sources: ['tenant', 'inbox-agent'] });
    // Without a permission, any bot-scoped permission held tenant-wide is access to every bot.
    expect(idsOf((await allPages(owner.identity, admin.member.memberId, {})).flat())).toEqual(bots.map((b) => b.botId));
  });

  it('the Owner asking about themself sees bots:delete on every bot, as tenant and as Bot Owner', async () => {
    const { owner, newBots, list } = await setup();
    const bots = await newBots('Owned', 2);
    const result = await list(owner.identity, owner.member.memberId, { permission: 'bots:delete' });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(idsOf(result.body.items)).toEqual(bots.map((b) => b.botId));
    expect(result.body.items[0].roles).toEqual([{ roleId: 'bot-owner' }]);
    expect(result.body.items[0].permissions).toContainEqual({
      permission: 'bots:delete',
      sources: ['tenant', 'bot-owner'],
    });
  });
});

describe('GET /members/{memberId}/bots: who may ask, and what is refused', () => {
  it('users:read or the member themself; an unknown member, or one of another tenant, is 404 member_not_found', async () => {
    const a = await setup();
    const b = await setup();
    const [botA] = await a.newBots('Alpha', 1);
    const [botB] = await b.newBots('Bravo', 1);
    const agent = await memberIn(a.tenantId, { roles: [{ roleId: 'agent' }] });
    const plain = await memberIn(a.tenantId, { roles: [{ roleId: 'member' }] });
    await a.grant(plain.member.memberId, [{ botId: botA!.botId, roles: [{ roleId: 'bot-tester' }] }]);

    const bySelf = await a.list(plain.identity, plain.member.memberId);
    expect(idsOf(bySelf.body.items)).toEqual([botA!.botId]);
    const byAgent = await a.list(agent.identity, plain.member.memberId);
    expect(byAgent.status).toBe(403);
    expect(byAgent.body.code).toBe('forbidden');
    // The agent about themself: inbox and contacts tenant-wide, so every bot of A, and none of B.
    const agentSelf = await a.list(agent.identity, agent.member.memberId);
    expect(idsOf(agentSelf.body.items)).toEqual([botA!.botId]);
    expect(JSON.stringify(agentSelf.body)).not.toContain(botB!.botId);

    const memberOfB = await memberIn(b.tenantId, { roles: [{ roleId: 'viewer' }] });
    for (const memberId of [ulid(), memberOfB.member.memberId]) {
      const result = await a.list(a.owner.identity, memberId);
      expect(result.status).toBe(404);
      expect(result.body.code).toBe('member_not_found');
    }
  });

  it('a tenant-only permission, a tampered cursor, or a cursor of another filter is 400', async () => {
    const { owner, newBots, grant, list, tenantId } = await setup();
    const bots = await newBots('Cursor', 4);
    const member = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    await grant(
      member.member.memberId,
      bots.map((bot) => ({ botId: bot.botId, roles: [{ roleId: 'bot-tester' }] })),
    );
    const tenantOnly = await list(owner.identity, member.member.memberId, { permission: 'users:read' });
    expect(tenantOnly.status).toBe(400);
    expect(tenantOnly.body.code).toBe('validation_failed');

    const first = await list(owner.identity, member.member.memberId, { permission: 'flows:read', limit: '2' });
    const cursor = first.body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    const next = await list(owner.identity, member.member.memberId, { permission: 'flows:read', limit: '2', cursor });
    expect(idsOf(next.body.items)).toEqual(bots.slice(2).map((b) => b.botId));
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'BB' : 'AA'}`;
    for (const query of <Record<string, string>[]>[
      { permission: 'flows:read', cursor: tampered },
      { permission: 'testing:read', cursor },
      { cursor },
    ]) {
      const result = await list(owner.identity, member.member.memberId, query);
      expect(result.status, JSON.stringify(query)).toBe(400);
      expect(result.body.code).toBe('invalid_cursor');
    }
    // Another member's list refuses it too.
    const other = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    expect((await list(owner.identity, other.member.memberId, { permission: 'flows:read', cursor })).body.code).toBe(
      'invalid_cursor',
    );
  });
});
