import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulidx';
import { describe, expect, it, vi } from 'vitest';
import { getInvitation } from '../../shared/data/invitation-repository';
import { getMember } from '../../shared/data/member-repository';
import type { OutboxEvent } from '../../shared/data/outbox';
import type { BotEnvironment } from '../../shared/data/records';
import { getTenant } from '../../shared/data/tenant-repository';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import type { IdentityDirectory } from '../../shared/identity/identity-directory';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { acceptInvitation, inviteMembers } from '../../shared/services/invitation-service';
import { createRole } from '../../shared/services/role-service';
import type { ServiceDeps } from '../../shared/services/service-deps';
import { capturing, deliveredTokens, deps, memberIn, meta, tenantWithOwner, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { expectProblem } from '../support/route-samples';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/** SPEC §7 "Invitations gain botAccess": inviting a Client who sees only the bots shared with them. */

type Assignment = { roleId: string; environments?: BotEnvironment[]; expiresAt?: string };
type BotAccess = { botId: string; roles: Assignment[] }[];

/** Accepting with a signed-in identity needs no directory; a call to it would be a bug in the test. */
const noDirectory = new Proxy({} as IdentityDirectory, {
  get: () => () => Promise.reject(new Error('unexpected identity directory call')),
});

async function setup() {
  const tenant = await tenantWithOwner(100);
  const { tenantId, owner } = tenant;
  const as = (identity: Identity) => ({
    createBot: async (body: object = { name: `Bot ${ulid()}` }) => {
      const created = await invoke(routes.createBot, { identity, params: { tenantId }, body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { botId: string; name: string };
    },
    getBot: (botId: string) => invoke(routes.getBot, { identity, params: { tenantId, botId } }),
    access: (botId: string) => invoke(routes.listBotAccess, { identity, params: { tenantId, botId } }),
    share: (botId: string, memberId: string, roles: Assignment[]) =>
      invoke(routes.setBotAccess, {
        identity,
        params: { tenantId, botId, principalType: 'member', principalId: memberId },
        body: { roles },
      }),
    invite: (body: object) => invoke(routes.createInvitations, { identity, params: { tenantId }, body }),
    invitations: () => invoke(routes.listInvitations, { identity, params: { tenantId }, query: { status: 'pending' } }),
    resend: (invitationId: string) => invoke(routes.resendInvitation, { identity, params: { tenantId, invitationId } }),
    revoke: (invitationId: string) => invoke(routes.revokeInvitation, { identity, params: { tenantId, invitationId } }),
    deleteBot: (botId: string) => invoke(routes.deleteBot, { identity, params: { tenantId, botId } }),
  });
  const ownerCaller = () => resolveTenantCaller(deps(), owner.identity, tenantId);
  /** A member who may invite (users:write) but holds nothing on any bot. */
  const delegate = () => memberIn(tenantId, { permissions: ['users:read', 'users:write'] });
  return { tenantId, owner, as, ownerCaller, delegate };
}

/** Invites one address as `caller` through the service (capturing the events and the emailed token). */
async function inviteOne(
  identity: Identity,
  tenantId: string,
  input: { roles?: Assignment[]; botAccess: BotAccess },
  d: ReturnType<typeof capturing> = capturing(),
) {
  const caller = await resolveTenantCaller(deps(), identity, tenantId);
  const email = uniqueEmail('client');
  const { created } = await inviteMembers(d.deps, caller, { emails: [email], ...input }, meta());
  const [delivered] = await deliveredTokens(d.events);
  return { email, invitation: created[0]!, token: delivered!.token, events: d.events };
}

async function accept(token: string, email: string, d: ServiceDeps = deps()) {
  const identity: Identity = { userId: `sub-${ulid()}`, email, groups: [] };
  const joined = await acceptInvitation(d, noDirectory, { token, identity, displayName: 'Client' }, meta());
  return { identity, memberId: joined.memberId };
}

/** Nothing was created: no pending invitation, no member, no seat taken. */
async function expectNothingCreated(
  tenantId: string,
  list: () => ReturnType<typeof invoke>,
  seatsBefore: number,
  label: string,
) {
  expect((await list()).body.items, label).toEqual([]);
  expect((await getTenant(deps(), tenantId))!.seatsUsed, label).toBe(seatsBefore);
}

describe('inviting with botAccess', () => {
  it('a Client invited with bot roles and no tenant roles joins as Member and holds every bot role at once', async () => {
    const { tenantId, owner, as } = await setup();
    const botA = await as(owner.identity).createBot({ name: 'Support bot' });
    const botB = await as(owner.identity).createBot({ name: 'Sales bot', environments: ['sandbox', 'production'] });
    const botAccess: BotAccess = [
      { botId: botA.botId, roles: [{ roleId: 'bot-developer' }, { roleId: 'bot-approver' }] },
      { botId: botB.botId, roles: [{ roleId: 'bot-tester', environments: ['sandbox'] }] },
    ];

    // Through the route: 201, the tenant role defaults to Member, botAccess is in the invitation.
    const viaRoute = await as(owner.identity).invite({ emails: [uniqueEmail('route')], botAccess });
    expect(viaRoute.status, JSON.stringify(viaRoute.body)).toBe(201);
    expect(viaRoute.body.created[0]).toMatchObject({ roles: [{ roleId: 'member' }], botAccess });
    const listed = await as(owner.identity).invitations();
    expect(listed.body.items.map((i: { botAccess: unknown }) => i.botAccess)).toEqual([botAccess]);

    const { email, invitation, token, events } = await inviteOne(owner.identity, tenantId, { botAccess });
    expect(invitation.roles).toEqual([{ roleId: 'member' }]);
    expect(events.find((e) => e.action === 'member.invited')!.changes.after).toMatchObject({
      roles: [{ roleId: 'member' }],
      botAccess,
    });

    // The invitee sees what is offered before deciding: the bots by name, the roles by name.
    const preview = await invoke(routes.lookupInvitation, { query: { token } });
    expect(preview.body.botAccess).toEqual([
      {
        botId: botA.botId,
        name: 'Support bot',
        roles: [
          { roleId: 'bot-developer', name: 'Developer' },
          { roleId: 'bot-approver', name: 'Approver' },
        ],
      },
      {
        botId: botB.botId,
        name: 'Sales bot',
        roles: [{ roleId: 'bot-tester', name: 'Tester', environments: ['sandbox'] }],
      },
    ]);
    const mine = await invoke(routes.listMyInvitations, { identity: { userId: `sub-${ulid()}`, email, groups: [] } });
    expect(mine.body.items[0].botAccess).toEqual(preview.body.botAccess);

    const joinedDeps = capturing();
    const client = await accept(token, email, joinedDeps.deps);
    expect(await getMember(deps(), tenantId, client.memberId)).toMatchObject({
      status: 'active',
      roles: [{ roleId: 'member' }],
      permissions: [],
    });
    const onA = await as(client.identity).getBot(botA.botId);
    expect(onA.body.myAccess.roles).toEqual(['bot-developer', 'bot-approver']);
    expect(onA.body.myAccess.permissions).toEqual(expect.arrayContaining(['flows:write', 'publish:approve']));
    const onB = await as(client.identity).getBot(botB.botId);
    expect(onB.body.myAccess.roles).toEqual(['bot-tester']);
    // Tester is limited to sandbox: a decision naming no environment does not count it.
    expect(onB.body.myAccess.permissions).toEqual([]);

    const accessA = await as(owner.identity).access(botA.botId);
    expect(accessA.body.items).toContainEqual({
      principal: { type: 'member', id: client.memberId, label: 'Client' },
      roles: botAccess[0]!.roles,
    });
    const accessB = await as(owner.identity).access(botB.botId);
    expect(accessB.body.items).toContainEqual(
      expect.objectContaining({
        principal: expect.objectContaining({ id: client.memberId }),
        roles: botAccess[1]!.roles,
      }),
    );

    // One event, in the join's transaction, records the bot grants.
    const joined = joinedDeps.events.filter((e) => e.action === 'member.joined');
    expect(joined).toHaveLength(1);
    expect(joined[0]!.changes.after).toMatchObject({ status: 'active', botAccess, botAccessSkipped: [] });
  });

  it('every refusal leaves no invitation and no member', async () => {
    const { tenantId, owner, as, delegate } = await setup();
    const bot = await as(owner.identity).createBot({ name: 'Help bot' });
    const sandboxOnly = await as(owner.identity).createBot({ name: 'Sandbox bot', environments: ['sandbox'] });
    const elsewhere = await setup();
    const foreignBot = await elsewhere.as(elsewhere.owner.identity).createBot();

    // A delegate who may invite and share this bot, but holds only Tester-level permissions on it.
    const sharerRole = await createRole(
      deps(),
      await resolveTenantCaller(deps(), owner.identity, tenantId),
      {
        name: `Sharer ${ulid()}`,
        scope: 'bot',
        permissions: [
          'collaborators:manage',
          'bots:read',
          'flows:read',
          'nlu:read',
          'knowledge:read',
          'testing:read',
          'analytics:read',
        ],
      },
      meta(),
    );
    const sharer = await delegate();
    expect(
      (await as(owner.identity).share(bot.botId, sharer.member.memberId, [{ roleId: sharerRole.roleId }])).status,
    ).toBe(200);
    // A Bot Admin of the bot (every bot permission on it) who is neither its Bot Owner nor a tenant Owner/Admin.
    const botAdmin = await delegate();
    expect(
      (await as(owner.identity).share(bot.botId, botAdmin.member.memberId, [{ roleId: 'bot-admin' }])).status,
    ).toBe(200);
    const outsider = await delegate();

    const seatsBefore = (await getTenant(deps(), tenantId))!.seatsUsed;
    const cases: [string, Identity, object, number, string][] = [
      [
        'unknown bot',
        owner.identity,
        {
          botAccess: [
            { botId: bot.botId, roles: [{ roleId: 'bot-tester' }] },
            { botId: 'no-such-bot', roles: [{ roleId: 'bot-tester' }] },
          ],
        },
        400,
        'unknown_bot',
      ],
      [
        "another tenant's bot",
        owner.identity,
        { botAccess: [{ botId: foreignBot.botId, roles: [{ roleId: 'bot-tester' }] }] },
        400,
        'unknown_bot',
      ],
      [
        'environment not on the bot',
        owner.identity,
        { botAccess: [{ botId: sandboxOnly.botId, roles: [{ roleId: 'bot-tester', environments: ['production'] }] }] },
        400,
        'environment_not_on_bot',
      ],
      [
        'a tenant role in botAccess',
        owner.identity,
        { botAccess: [{ botId: bot.botId, roles: [{ roleId: 'viewer' }] }] },
        400,
        'role_scope_mismatch',
      ],
      [
        'a bot role in roles',
        owner.identity,
        { roles: [{ roleId: 'bot-tester' }], botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-tester' }] }] },
        400,
        'role_scope_mismatch',
      ],
      [
        'Approver without Developer',
        owner.identity,
        { botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-approver' }] }] },
        409,
        'role_prerequisite_missing',
      ],
      [
        'Bot Owner',
        owner.identity,
        { botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-owner' }] }] },
        403,
        'bot_owner_not_grantable',
      ],
      [
        'inviter without collaborators:manage on the bot',
        outsider.identity,
        { botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-tester' }] }] },
        403,
        'forbidden',
      ],
      [
        'inviter lacking a permission of the role on the bot',
        sharer.identity,
        { botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-developer' }] }] },
        403,
        'escalation_denied',
      ],
      [
        'Bot Admin granted by a Bot Admin',
        botAdmin.identity,
        { botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-admin' }] }] },
        403,
        'bot_admin_requires_owner',
      ],
      [
        'a refused tenant role beside allowed bot access',
        sharer.identity,
        { roles: [{ roleId: 'viewer' }], botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-tester' }] }] },
        403,
        'escalation_denied',
      ],
      [
        'one refused bot among allowed ones',
        owner.identity,
        {
          botAccess: [
            { botId: bot.botId, roles: [{ roleId: 'bot-tester' }] },
            { botId: sandboxOnly.botId, roles: [{ roleId: 'bot-approver' }] },
          ],
        },
        409,
        'role_prerequisite_missing',
      ],
      [
        'a bot twice',
        owner.identity,
        {
          botAccess: [
            { botId: bot.botId, roles: [{ roleId: 'bot-tester' }] },
            { botId: bot.botId, roles: [{ roleId: 'bot-developer' }] },
          ],
        },
        400,
        'validation_failed',
      ],
      ['neither roles nor botAccess', owner.identity, {}, 400, 'validation_failed'],
      [
        '21 bots',
        owner.identity,
        { botAccess: Array.from({ length: 21 }, (_, i) => ({ botId: `bot-${i}`, roles: [{ roleId: 'bot-tester' }] })) },
        400,
        'validation_failed',
      ],
    ];
    for (const [label, identity, body, status, code] of cases) {
      const response = await as(identity).invite({ emails: [uniqueEmail('refused')], ...body });
      expectProblem(response, [status], label);
      expect(response.body.code, `${label}: ${JSON.stringify(response.body)}`).toBe(code);
      if (label === 'unknown bot')
        expect(response.body.errors).toEqual([expect.objectContaining({ path: 'body.botAccess.1.botId' })]);
      await expectNothingCreated(tenantId, () => as(owner.identity).invitations(), seatsBefore, label);
    }

    // The same inviters, within their rights, invite: the refusals above were about what they asked for.
    expect(
      (
        await as(sharer.identity).invite({
          emails: [uniqueEmail('ok')],
          botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-tester' }] }],
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await as(botAdmin.identity).invite({
          emails: [uniqueEmail('ok')],
          botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-developer' }, { roleId: 'bot-approver' }] }],
        })
      ).status,
    ).toBe(201);
    const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
    expect(
      (
        await as(admin.identity).invite({
          emails: [uniqueEmail('ok')],
          botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-admin' }] }],
        })
      ).status,
    ).toBe(201);
  });

  it('a bot deleted before the invitation is accepted: the acceptance succeeds without it, and says so', async () => {
    const { tenantId, owner, as } = await setup();
    const kept = await as(owner.identity).createBot({ name: 'Kept bot' });
    const doomed = await as(owner.identity).createBot({ name: 'Doomed bot' });
    const botAccess: BotAccess = [
      { botId: kept.botId, roles: [{ roleId: 'bot-tester' }] },
      { botId: doomed.botId, roles: [{ roleId: 'bot-developer' }] },
    ];
    const { email, token } = await inviteOne(owner.identity, tenantId, { botAccess });
    expect((await as(owner.identity).deleteBot(doomed.botId)).status).toBe(204);

    const preview = await invoke(routes.lookupInvitation, { query: { token } });
    expect(preview.body.botAccess.map((b: { botId: string }) => b.botId)).toEqual([kept.botId]);

    const joinedDeps = capturing();
    const client = await accept(token, email, joinedDeps.deps);
    expect((await as(client.identity).getBot(kept.botId)).body.myAccess.roles).toEqual(['bot-tester']);
    expect((await as(client.identity).getBot(doomed.botId)).status).toBe(404);
    const joined = joinedDeps.events.find((e) => e.action === 'member.joined')!;
    expect(joined.changes.after).toMatchObject({
      botAccess: [botAccess[0]],
      botAccessSkipped: [{ botId: doomed.botId, reason: 'bot_deleted' }],
    });
  });

  it('resend and revoke only by someone who could grant the bot roles (403, the invitation unchanged)', async () => {
    const { tenantId, owner, as, delegate } = await setup();
    const bot = await as(owner.identity).createBot();
    const { invitation } = await inviteOne(owner.identity, tenantId, {
      botAccess: [{ botId: bot.botId, roles: [{ roleId: 'bot-developer' }] }],
    });
    const outsider = await delegate();
    const tester = await delegate();
    const sharerRole = await createRole(
      deps(),
      await resolveTenantCaller(deps(), owner.identity, tenantId),
      { name: `Sharer ${ulid()}`, scope: 'bot', permissions: ['collaborators:manage', 'bots:read', 'flows:read'] },
      meta(),
    );
    await as(owner.identity).share(bot.botId, tester.member.memberId, [{ roleId: sharerRole.roleId }]);

    for (const [who, code] of [
      [outsider, 'forbidden'],
      [tester, 'escalation_denied'],
    ] as const) {
      const resent = await as(who.identity).resend(invitation.invitationId);
      expectProblem(resent, [403], `resend by ${code}`);
      expect(resent.body.code).toBe(code);
      const revoked = await as(who.identity).revoke(invitation.invitationId);
      expectProblem(revoked, [403], `revoke by ${code}`);
      expect(revoked.body.code).toBe(code);
    }
    expect(await getInvitation(deps(), tenantId, invitation.invitationId)).toEqual(invitation);
    expect((await getMember(deps(), tenantId, invitation.memberId))?.status).toBe('invited');

    // Given Developer on the bot, the same member may act on it.
    await as(owner.identity).share(bot.botId, tester.member.memberId, [
      { roleId: sharerRole.roleId },
      { roleId: 'bot-developer' },
    ]);
    expect((await as(tester.identity).resend(invitation.invitationId)).status).toBe(200);
    expect((await as(tester.identity).revoke(invitation.invitationId)).status).toBe(204);
    expect(await getMember(deps(), tenantId, invitation.memberId)).toBeUndefined();
  });
});

describe('transaction size', () => {
  /** Service deps that record the item count of every TransactWriteItems sent. */
  function countingTransactions() {
    const sizes: number[] = [];
    const events: OutboxEvent[] = [];
    const base = deps();
    const db = new Proxy(base.db, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver);
        return (command: Parameters<typeof target.send>[0]) => {
          if (command instanceof TransactWriteCommand) {
            const items = command.input.TransactItems ?? [];
            sizes.push(items.length);
            for (const item of items)
              if (item.Put?.Item?.entity === 'outbox') events.push(item.Put.Item.event as OutboxEvent);
          }
          return target.send(command as never);
        };
      },
    });
    return { deps: { ...base, db } as ServiceDeps, sizes, events };
  }

  it('20 bots, 10 custom tenant roles and 20 custom bot roles: invitation and acceptance each fit one transaction of at most 100 items', async () => {
    const { tenantId, owner, as } = await setup();
    const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const tenantRoles = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        createRole(deps(), ownerCaller, { name: `Tenant role ${i} ${ulid()}`, permissions: ['inbox:read'] }, meta()),
      ),
    );
    const botRoles = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createRole(
          deps(),
          ownerCaller,
          { name: `Bot role ${i} ${ulid()}`, scope: 'bot', permissions: ['bots:read'] },
          meta(),
        ),
      ),
    );
    const bots: { botId: string }[] = [];
    for (let i = 0; i < 20; i++) bots.push(await as(owner.identity).createBot({ name: `Fleet ${i}` }));
    const botAccess: BotAccess = bots.map((bot, i) => ({
      botId: bot.botId,
      roles: [
        { roleId: botRoles[i]!.roleId },
        { roleId: 'bot-developer', environments: ['sandbox', 'staging'] },
        { roleId: 'bot-approver', environments: ['staging'] },
        { roleId: 'insights-admin', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      ],
    }));

    const invited = countingTransactions();
    const caller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const email = uniqueEmail('fleet');
    await inviteMembers(
      invited.deps,
      caller,
      { emails: [email], roles: tenantRoles.map((r) => ({ roleId: r.roleId })), botAccess },
      meta(),
    );
    expect(invited.sizes).toHaveLength(1);
    expect(invited.sizes[0]).toBeLessThanOrEqual(100);
    const [delivered] = await deliveredTokens(invited.events);

    const accepted = countingTransactions();
    const client = await accept(delivered!.token, email, accepted.deps);
    expect(accepted.sizes).toHaveLength(1);
    // 20 bots (check + grant each) + 30 custom role guards + the member's own items: all in one transaction.
    expect(accepted.sizes[0]).toBeGreaterThanOrEqual(20 * 2 + 30);
    expect(accepted.sizes[0]).toBeLessThanOrEqual(100);
    for (const i of [0, 19]) {
      expect((await as(client.identity).getBot(bots[i]!.botId)).body.myAccess.roles).toEqual(
        botAccess[i]!.roles.map((a) => a.roleId),
      );
    }

    // One custom bot role more than that is refused before anything is written.
    const extra = await createRole(
      deps(),
      ownerCaller,
      { name: `Bot role 21 ${ulid()}`, scope: 'bot', permissions: ['bots:read'] },
      meta(),
    );
    const tooMany = await as(owner.identity).invite({
      emails: [uniqueEmail('too-many')],
      botAccess: botAccess.map((entry, i) =>
        i === 0 ? { ...entry, roles: [...entry.roles, { roleId: extra.roleId }] } : entry,
      ),
    });
    expectProblem(tooMany, [400], '21 custom bot roles');
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ path: 'body.botAccess' })]);
  });
});
