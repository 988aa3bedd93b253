import type { DynamoDBBatchResponse } from 'aws-lambda';
import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { handler as streamConsumer } from '../../functions/stream-consumer';
import { deleteGrant, getBotGrant } from '../../shared/data/bot-repository';
import type { OutboxEvent } from '../../shared/data/outbox';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { approveAccessRequest, createAccessRequest } from '../../shared/services/access-request-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { acceptInvitation, declineInvitation, inviteMembers } from '../../shared/services/invitation-service';
import { outboxRecord, streamEvent } from '../support/audit';
import {
  capturing,
  deliveredTokens,
  deps,
  memberIn,
  meta,
  platformAdmin,
  tenantWithOwner,
  uniqueEmail,
} from '../support/fixtures';
import { lambdaContext } from '../support/http-event';
import { invoke } from '../support/invoke';
import { drainStream, mailbox } from '../support/local-stack';

/** Issue 13 item 5 (SPEC §9): notifications through the outbox, in-app and by email, each exactly once. */

const HOSTILE = '<img src=x onerror=alert(1)>';

const notifications = async (identity: Identity, query: Record<string, string> = {}) => {
  const result = await invoke(routes.listMyNotifications, { identity, query });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body as {
    items: { notificationId: string; type: string; tenantId: string; readAt?: string; data: any }[];
    nextCursor: string | null;
  };
};
const inTenant = async (identity: Identity, tenantId: string, query: Record<string, string> = {}) =>
  (await notifications(identity, { limit: '100', ...query })).items.filter((n) => n.tenantId === tenantId);

const replay = async (events: readonly OutboxEvent[]) =>
  (await streamConsumer(
    streamEvent(events.map(outboxRecord)),
    lambdaContext('streamConsumer'),
  )) as DynamoDBBatchResponse;

async function setup(tenantName = `Acme ${ulid()}`) {
  const tenant = await tenantWithOwner(100, tenantName);
  const tenantId = tenant.tenantId;
  const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
  const callerOf = (identity: Identity) => resolveTenantCaller(deps(), identity, tenantId);
  return { tenantId, tenantName, owner: tenant.owner, admin, callerOf };
}

describe('a new access request', () => {
  it("tells the bot's Bot Owner and Bot Admins once each, in-app and by email naming tenant, bot and person (escaped); a redelivered batch changes nothing", async () => {
    const { tenantId, tenantName, owner, admin, callerOf } = await setup(`Acme & Co ${ulid()}`);
    const since = Math.floor(Date.now() / 1000) - 1;
    const created = await invoke(routes.createBot, {
      identity: admin.identity,
      params: { tenantId },
      body: { name: HOSTILE },
    });
    const botId = created.body.botId as string;
    const botAdmin = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const shared = await invoke(routes.setBotAccess, {
      identity: admin.identity,
      params: { tenantId, botId, principalType: 'member', principalId: botAdmin.member.memberId },
      body: { roles: [{ roleId: 'bot-admin' }] },
    });
    expect(shared.status).toBe(200);
    const requester = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const { deps: d, events } = capturing();
    const request = await createAccessRequest(
      d,
      await callerOf(requester.identity),
      { botId, roles: [{ roleId: 'bot-developer' }], reason: '<b>urgent</b>' },
      meta(),
    );
    await drainStream();

    for (const approver of [admin, botAdmin]) {
      const mine = await inTenant(approver.identity, tenantId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        type: 'access_request.created',
        data: {
          tenantName,
          requestId: request.requestId,
          botId,
          botName: HOSTILE,
          requesterEmail: requester.member.email,
          roles: [{ roleId: 'bot-developer' }],
        },
      });
      expect(mine[0]!.readAt).toBeUndefined();
      const mails = await mailbox({ to: approver.member.email, since });
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail!.subject).toContain(requester.member.email);
      expect(mail!.subject).toContain(tenantName);
      const html = mail!.body.html ?? '';
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<b>urgent');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).toContain('Acme &amp; Co');
      expect(html).toContain(`/tenants/${tenantId}/access-requests/${request.requestId}`);
      expect(mail!.body.text).toContain(`/tenants/${tenantId}/access-requests/${request.requestId}`);
    }
    // The tenant Owner is not the bot's approver here; the requester is told nothing of their own request.
    expect(await inTenant(owner.identity, tenantId)).toEqual([]);
    expect(await inTenant(requester.identity, tenantId)).toEqual([]);

    // The same batch delivered again, twice: no second notification, no second email.
    const created$ = events.filter((e) => e.action === 'access_request.created');
    expect(created$).toHaveLength(1);
    expect((await replay(created$)).batchItemFailures).toEqual([]);
    expect((await replay(created$)).batchItemFailures).toEqual([]);
    for (const approver of [admin, botAdmin]) {
      expect(await inTenant(approver.identity, tenantId)).toHaveLength(1);
      expect(await mailbox({ to: approver.member.email, since })).toHaveLength(1);
    }
  });

  it("goes to the tenant's Owner and Admins when the bot has no Bot Owner or Bot Admin", async () => {
    const { tenantId, owner, admin } = await setup();
    const created = await invoke(routes.createBot, {
      identity: owner.identity,
      params: { tenantId },
      body: { name: 'Orphan' },
    });
    const botId = created.body.botId as string;
    const grant = await getBotGrant(deps(), tenantId, botId, { type: 'member', id: owner.member.memberId });
    await transactWrite(deps(), [{ item: deleteGrant(deps(), grant!) }]);
    const viewer = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    const requester = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const asked = await invoke(routes.createAccessRequest, {
      identity: requester.identity,
      params: { tenantId },
      body: { botId, roles: [{ roleId: 'bot-tester' }] },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    await drainStream();
    for (const approver of [owner, admin]) {
      expect((await inTenant(approver.identity, tenantId)).map((n) => n.type)).toEqual(['access_request.created']);
    }
    expect(await inTenant(viewer.identity, tenantId)).toEqual([]);
  });
});

describe('decisions, the list and marking read', () => {
  it('the requester hears of each decision once; GET /v1/me/notifications lists newest first, unread=true by key, read is idempotent and personal', async () => {
    const { tenantId, tenantName, owner, callerOf } = await setup();
    const since = Math.floor(Date.now() / 1000) - 1;
    const bots = await Promise.all(
      ['One', 'Two'].map((name) =>
        invoke(routes.createBot, { identity: owner.identity, params: { tenantId }, body: { name } }),
      ),
    );
    const requester = await memberIn(tenantId, { roles: [{ roleId: 'member' }] });
    const ask = (botId: string) =>
      invoke(routes.createAccessRequest, {
        identity: requester.identity,
        params: { tenantId },
        body: { botId, roles: [{ roleId: 'bot-tester' }] },
      });
    const first = (await ask(bots[0]!.body.botId)).body;
    const second = (await ask(bots[1]!.body.botId)).body;
    const { deps: d, events } = capturing();
    await approveAccessRequest(d, await callerOf(owner.identity), first.requestId, {}, meta());
    await drainStream();
    const denied = await invoke(routes.denyAccessRequest, {
      identity: owner.identity,
      params: { tenantId, requestId: second.requestId },
      body: { reason: 'Not this quarter' },
    });
    expect(denied.status).toBe(200);
    await drainStream();
    await replay(events.filter((e) => e.action === 'access_request.approved'));

    const all = await inTenant(requester.identity, tenantId);
    expect(all.map((n) => [n.type, n.data.requestId])).toEqual([
      ['access_request.denied', second.requestId],
      ['access_request.approved', first.requestId],
    ]);
    expect(all[0]!.data).toMatchObject({ botName: 'Two', denialReason: 'Not this quarter' });
    expect(all[1]!.data).toMatchObject({ botName: 'One', roles: [{ roleId: 'bot-tester' }] });
    const mails = await mailbox({ to: requester.member.email, since });
    expect(mails.map((m) => m.subject).sort()).toEqual([
      `Your access request for Two in ${tenantName} was denied`,
      `Your access to One in ${tenantName} was approved`,
    ]);
    expect(mails.find((m) => m.subject.includes('denied'))?.body.text).toContain('Not this quarter');

    // Paging, newest first, one at a time.
    const page1 = await notifications(requester.identity, { limit: '1' });
    expect(page1.items.map((n) => n.notificationId)).toEqual([all[0]!.notificationId]);
    const page2 = await notifications(requester.identity, { limit: '1', cursor: page1.nextCursor! });
    expect(page2.items.map((n) => n.notificationId)).toEqual([all[1]!.notificationId]);
    const otherList = await invoke(routes.listMyNotifications, {
      identity: owner.identity,
      query: { cursor: page1.nextCursor! },
    });
    expect(otherList.body.code).toBe('invalid_cursor');

    const read = await invoke(routes.markNotificationRead, {
      identity: requester.identity,
      params: { notificationId: all[1]!.notificationId },
    });
    expect(read.status).toBe(200);
    expect(read.body.readAt).toEqual(expect.any(String));
    const again = await invoke(routes.markNotificationRead, {
      identity: requester.identity,
      params: { notificationId: all[1]!.notificationId },
    });
    expect(again.body.readAt).toBe(read.body.readAt);
    const unread = await inTenant(requester.identity, tenantId, { unread: 'true' });
    expect(unread.map((n) => n.notificationId)).toEqual([all[0]!.notificationId]);
    // Someone else's notification is not found, and stays unread.
    const foreign = await invoke(routes.markNotificationRead, {
      identity: owner.identity,
      params: { notificationId: all[0]!.notificationId },
    });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'notification_not_found']);
    expect((await inTenant(requester.identity, tenantId, { unread: 'true' })).length).toBe(1);
  });
});

describe('invitations answered', () => {
  it('the inviter hears when an invitation is accepted or declined; the Owner’s own invitation tells nobody', async () => {
    const { tenantId, tenantName, admin, callerOf } = await setup();
    const since = Math.floor(Date.now() / 1000) - 1;
    const { deps: d, events } = capturing();
    const [yes, no] = [uniqueEmail('yes'), uniqueEmail('no')];
    const invited = await inviteMembers(
      d,
      await callerOf(admin.identity),
      { emails: [yes, no], roles: [{ roleId: 'viewer' }] },
      meta(),
    );
    expect(invited.created).toHaveLength(2);
    const tokens = await deliveredTokens(events);
    const tokenOf = (email: string) => tokens.find((t) => t.to === email)!.token;
    const joiner: Identity = { userId: `sub-${ulid()}`, email: yes, groups: [] };
    const noDirectory = new Proxy({} as never, { get: () => () => Promise.reject(new Error('unexpected')) });
    await acceptInvitation(deps(), noDirectory, { token: tokenOf(yes), identity: joiner }, meta());
    await declineInvitation(deps(), tokenOf(no), meta());
    await drainStream();

    const told = await inTenant(admin.identity, tenantId);
    expect(told.map((n) => [n.type, n.data.email]).sort()).toEqual([
      ['invitation.accepted', yes],
      ['invitation.declined', no],
    ]);
    const accepted = told.find((n) => n.type === 'invitation.accepted')!;
    expect(accepted.data).toMatchObject({
      tenantName,
      memberId: invited.created.find((c) => c.email === yes)!.memberId,
    });
    const mails = await mailbox({ to: admin.member.email, since });
    expect(mails.map((m) => m.subject).sort()).toEqual(
      [`${yes} accepted your invitation to ${tenantName}`, `${no} declined your invitation to ${tenantName}`].sort(),
    );
    // The tenant's first Owner was invited by a platform admin with the tenant: nobody is told of that join.
    expect(await inTenant(platformAdmin, tenantId)).toEqual([]);
    expect(await inTenant(joiner, tenantId)).toEqual([]);
  });
});
