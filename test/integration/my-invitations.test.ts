import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { getMember } from '../../shared/data/member-repository';
import { listPrincipalLinks } from '../../shared/data/principal-repository';
import { getTenant } from '../../shared/data/tenant-repository';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { identityDirectory } from '../../shared/identity/identity-directory';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { acceptInvitation, acceptMyInvitation, inviteMembers } from '../../shared/services/invitation-service';
import { chainOf } from '../support/audit';
import { codeOf } from '../support/domain-errors';
import {
  capturing,
  deliveredTokens,
  deps,
  meta,
  pendingOwnerInvitation,
  strongPassword,
  tenantWithOwner,
  uniqueEmail,
} from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';
import { expectProblem } from '../support/route-samples';

/**
 * SPEC §11 (the console's Me page): a signed-in person accepts or declines their own invitations by tenant
 * and id (`POST /v1/me/invitations/{tenantId}/{invitationId}/accept|decline`), under exactly the rules of
 * accepting or declining the emailed token with a session.
 */

/** A tenant with an invitation for a fresh address, its token, and the invitee signed in with that address. */
async function invited(options: { daysAgo?: number } = {}) {
  const tenant = await tenantWithOwner();
  const owner = await resolveTenantCaller(deps(), tenant.owner.identity, tenant.tenantId);
  const at = options.daysAgo ? () => new Date(Date.now() - options.daysAgo! * 24 * 3600 * 1000) : undefined;
  const { deps: d, events } = capturing(at);
  const email = uniqueEmail('me-invitee');
  const { created } = await inviteMembers(d, owner, { emails: [email], roles: [{ roleId: 'viewer' }] }, meta());
  const invitation = created[0]!;
  const { token } = (await deliveredTokens(events))[0]!;
  const invitee: Identity = { userId: `sub-${ulid()}`, email, groups: [] };
  const ref = { tenantId: tenant.tenantId, invitationId: invitation.invitationId };
  return { tenant, invitation, token, invitee, ref };
}

const accept = (identity: Identity | undefined, params: Record<string, string>) =>
  invoke(routes.acceptMyInvitation, { identity, params });
const decline = (identity: Identity | undefined, params: Record<string, string>) =>
  invoke(routes.declineMyInvitation, { identity, params });

async function auditOf(tenantId: string, action: string, targetId: string) {
  await drainStream();
  return (await chainOf(tenantId)).filter((entry) => entry.action === action && entry.target.id === targetId);
}

describe('my invitations: accept and decline by id (DynamoDB Local)', () => {
  it('accepts an invitation listed by GET /v1/me/invitations: active member, principal link, member.joined once, the link dead', async () => {
    const { tenant, invitation, token, invitee } = await invited();
    const listed = await invoke(routes.listMyInvitations, { identity: invitee });
    const item = listed.body.items.find((i: { invitationId: string }) => i.invitationId === invitation.invitationId);
    expect(item).toMatchObject({ tenantId: tenant.tenantId });

    const result = await accept(invitee, { tenantId: item.tenantId, invitationId: item.invitationId });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toEqual({
      tenantId: tenant.tenantId,
      tenantName: tenant.tenant.name,
      memberId: invitation.memberId,
      status: 'active',
    });
    expect(await getMember(deps(), tenant.tenantId, invitation.memberId)).toMatchObject({
      status: 'active',
      userId: invitee.userId,
    });
    const links = await listPrincipalLinks(deps(), invitee.userId);
    expect(links.map((l) => [l.tenantId, l.memberId])).toEqual([[tenant.tenantId, invitation.memberId]]);
    const me = await invoke(routes.getMe, { identity: invitee });
    expect(me.body.memberships).toEqual([
      expect.objectContaining({ tenantId: tenant.tenantId, memberId: invitation.memberId, status: 'active' }),
    ]);
    const joined = await auditOf(tenant.tenantId, 'member.joined', invitation.memberId);
    expect(joined).toHaveLength(1);
    expect(joined[0]!.actor).toMatchObject({ id: invitee.userId, email: invitee.email });
    // Single use together with the emailed link: the token is dead, and the list no longer has it.
    expect((await invoke(routes.lookupInvitation, { query: { token } })).body.code).toBe('invitation_not_found');
    expect((await invoke(routes.listMyInvitations, { identity: invitee })).body.items).toEqual([]);
  });

  it('declines by id: 204, invitation, invited member and seat gone, invitation.declined once, the link dead', async () => {
    const { tenant, invitation, token, invitee, ref } = await invited();
    expect((await getTenant(deps(), tenant.tenantId))!.seatsUsed).toBe(2);
    const result = await decline(invitee, ref);
    expect(result.status, JSON.stringify(result.body)).toBe(204);
    expect((await invoke(routes.listMyInvitations, { identity: invitee })).body.items).toEqual([]);
    expect(await getMember(deps(), tenant.tenantId, invitation.memberId)).toBeUndefined();
    expect((await getTenant(deps(), tenant.tenantId))!.seatsUsed).toBe(1);
    const pending = await invoke(routes.listInvitations, {
      identity: tenant.owner.identity,
      params: { tenantId: tenant.tenantId },
    });
    expect(pending.body.items).toEqual([]);
    const declined = await auditOf(tenant.tenantId, 'invitation.declined', invitation.invitationId);
    expect(declined).toHaveLength(1);
    expect(declined[0]!.actor).toMatchObject({ id: `invitee:${invitation.memberId}`, email: invitee.email });
    expect((await invoke(routes.lookupInvitation, { query: { token } })).body.code).toBe('invitation_not_found');
    // Declined is used: a second decline, or an accept, is "not found" as a used token is.
    expect((await decline(invitee, ref)).body.code).toBe('invitation_not_found');
    expect((await accept(invitee, ref)).body.code).toBe('invitation_not_found');
  });

  it("someone else's invitation, an unknown one or one named under another tenant: 404 invitation_not_found, as an unknown token; nothing changes", async () => {
    const { tenant, invitation, token, ref } = await invited();
    const other = await tenantWithOwner();
    const stranger: Identity = { userId: `sub-${ulid()}`, email: uniqueEmail('stranger'), groups: [] };
    const unverified: Identity = { userId: `sub-${ulid()}`, groups: [] };
    const unknownToken = await invoke(routes.acceptInvitation, {
      identity: stranger,
      body: { token: 'A'.repeat(43) },
    });
    expectProblem(unknownToken, [404], 'unknown token');
    const cases: [string, Identity, Record<string, string>][] = [
      ['stranger', stranger, ref],
      ['no verified email', unverified, ref],
      ['the owner of the tenant', tenant.owner.identity, ref],
      ['unknown id', stranger, { tenantId: tenant.tenantId, invitationId: ulid() }],
      ['another tenant', stranger, { tenantId: other.tenantId, invitationId: invitation.invitationId }],
    ];
    for (const [label, identity, params] of cases) {
      for (const route of [accept, decline]) {
        const result = await route(identity, params);
        expectProblem(result, [404], label);
        expect(result.body.code, label).toBe(unknownToken.body.code);
        expect(result.body.detail, label).toBe(unknownToken.body.detail);
      }
    }
    // The right invitation under another tenant is unknown even to its invitee.
    const invitee = { userId: `sub-${ulid()}`, email: invitation.email, groups: [] };
    expect((await accept(invitee, { tenantId: other.tenantId, invitationId: invitation.invitationId })).body.code).toBe(
      'invitation_not_found',
    );
    expect((await invoke(routes.lookupInvitation, { query: { token } })).status).toBe(200);
    expect(await getMember(deps(), tenant.tenantId, invitation.memberId)).toMatchObject({ status: 'invited' });
  });

  it('the invited address matches case-insensitively', async () => {
    const { tenant, invitation, invitee, ref } = await invited();
    const shouting = { ...invitee, email: invitee.email!.toUpperCase() };
    expect(await acceptMyInvitation(deps(), shouting, ref, meta())).toMatchObject({
      tenantId: tenant.tenantId,
      memberId: invitation.memberId,
      status: 'active',
    });
  });

  it('a second accept answers as a used token does: 404 invitation_not_found', async () => {
    const { invitee, ref, token } = await invited();
    expect((await accept(invitee, ref)).status).toBe(200);
    const again = await accept(invitee, ref);
    const usedToken = await invoke(routes.acceptInvitation, { identity: invitee, body: { token } });
    expectProblem(again, [404], 'second accept');
    expect([again.status, again.body.code]).toEqual([usedToken.status, usedToken.body.code]);
  });

  it('an expired invitation: 410 invitation_expired, as for its token; it stays for the purge', async () => {
    const { tenant, invitation, token, invitee, ref } = await invited({ daysAgo: 10 });
    const byToken = await invoke(routes.acceptInvitation, { identity: invitee, body: { token } });
    expectProblem(byToken, [410], 'token');
    for (const route of [accept, decline]) {
      const result = await route(invitee, ref);
      expectProblem(result, [410], 'by id');
      expect([result.body.code, result.body.detail]).toEqual([byToken.body.code, byToken.body.detail]);
    }
    expect(await getMember(deps(), tenant.tenantId, invitation.memberId)).toMatchObject({ status: 'invited' });
    // Someone else still learns nothing of it.
    const stranger = { userId: `sub-${ulid()}`, email: uniqueEmail('stranger'), groups: [] };
    expect((await accept(stranger, ref)).status).toBe(404);
  });

  it('accepting by id and by token at once: exactly one joins, with one member.joined', async () => {
    for (let round = 0; round < 4; round++) {
      const { tenant, invitation, token, invitee, ref } = await invited();
      const [byId, byToken] = await Promise.all([
        accept(invitee, ref),
        codeOf(acceptInvitation(deps(), identityDirectory(), { token, identity: invitee }, meta())),
      ]);
      const outcomes = [byId.status === 200 ? 'resolved' : byId.body.code, byToken];
      expect(
        outcomes.filter((o) => o === 'resolved'),
        JSON.stringify(outcomes),
      ).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'resolved')[0]).toMatch(/^invitation_not_(pending|found)$/);
      expect(await getMember(deps(), tenant.tenantId, invitation.memberId)).toMatchObject({ status: 'active' });
      expect(await auditOf(tenant.tenantId, 'member.joined', invitation.memberId)).toHaveLength(1);
    }
  });

  it('accepting by id and declining by token at once: exactly one wins', async () => {
    const { tenant, invitation, token, invitee, ref } = await invited();
    const [byId, byToken] = await Promise.all([
      accept(invitee, ref),
      invoke(routes.declineInvitation, { body: { token } }),
    ]);
    expect([byId.status, byToken.status].filter((s) => s < 300)).toHaveLength(1);
    const member = await getMember(deps(), tenant.tenantId, invitation.memberId);
    expect(byId.status === 200 ? member?.status : member).toBe(byId.status === 200 ? 'active' : undefined);
  });

  it('a new account made from the link and a signed-in acceptance by id do not both win', async () => {
    const pending = await pendingOwnerInvitation();
    const invitee = { userId: `sub-${ulid()}`, email: pending.email, groups: [] };
    const ref = { tenantId: pending.tenantId, invitationId: pending.invitation.invitationId };
    const [byId, byPassword] = await Promise.all([
      accept(invitee, ref),
      invoke(routes.acceptInvitation, { body: { token: pending.token, password: strongPassword() } }),
    ]);
    expect(
      [byId.status, byPassword.status].filter((s) => s === 200),
      JSON.stringify([byId.body, byPassword.body]),
    ).toHaveLength(1);
    expect(await auditOf(pending.tenantId, 'member.joined', pending.member.memberId)).toHaveLength(1);
  });
});
