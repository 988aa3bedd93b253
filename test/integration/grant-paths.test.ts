import { ulid } from 'ulidx';
import { describe, expect, it, vi } from 'vitest';
import { getInvitation } from '../../shared/data/invitation-repository';
import { getMember } from '../../shared/data/member-repository';
import { getCustomRole } from '../../shared/data/role-repository';
import type { Identity } from '../../shared/domain/actor';
import { isAdminLevel } from '../../shared/domain/escalation';
import { allPermissions, type Permission } from '../../shared/domain/permissions';
import { builtInRoles } from '../../shared/domain/roles';
import { routes } from '../../shared/http/routes';
import type { IdentityDirectory } from '../../shared/identity/identity-directory';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { acceptInvitation, inviteMembers, resendInvitation } from '../../shared/services/invitation-service';
import { effectivePermissionsOf } from '../../shared/services/role-resolution';
import { createRole, updateRole } from '../../shared/services/role-service';
import { capturing, deliveredTokens, deps, memberIn, meta, tenantWithOwner, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { expectProblem } from '../support/route-samples';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * Every grant path applies the one escalation rule (security review, items 1 and 3): resending or revoking
 * an invitation is an act on its grant, and Admin-level power (every permission Admin holds) reaches a member
 * only through the Owner, whether by the built-in role, a copy of it, direct permissions or a role edit.
 * Admin's set is every permission but `bots:delete` (SPEC §7), which only the Owner holds.
 */
/** Accepting with a signed-in identity needs no directory. */
const noDirectory = new Proxy({} as IdentityDirectory, {
  get: () => () => Promise.reject(new Error('unexpected identity directory call')),
});

const adminSet = builtInRoles.admin.permissions;
const allBut = (...left: Permission[]) => adminSet.filter((p) => !left.includes(p));

async function tenantWithAdmin() {
  const { tenantId, owner } = await tenantWithOwner(50);
  const admin = await memberIn(tenantId, { roles: [{ roleId: 'admin' }] });
  const ownerCaller = await resolveTenantCaller(deps(), owner.identity, tenantId);
  return { tenantId, owner, admin, ownerCaller };
}

function expectForbidden(result: Awaited<ReturnType<typeof invoke>>, code: string, label: string) {
  expectProblem(result, [403], label);
  expect(result.body.code, `${label}: ${JSON.stringify(result.body)}`).toBe(code);
}

describe('resend and revoke of an invitation follow the rules of granting its roles (item 1)', () => {
  it('an Admin can neither resend nor revoke the Owner’s Admin invitation; it stays as it was', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const { created } = await inviteMembers(
      deps(),
      ownerCaller,
      { emails: [uniqueEmail('to-admin')], roles: [{ roleId: 'admin' }] },
      meta(),
    );
    const invitation = created[0]!;
    const params = { tenantId, invitationId: invitation.invitationId };

    const resent = await invoke(routes.resendInvitation, { identity: admin.identity, params });
    expectForbidden(resent, 'admin_requires_owner', 'Admin resends an Admin invitation');
    const revoked = await invoke(routes.revokeInvitation, { identity: admin.identity, params });
    expectForbidden(revoked, 'admin_requires_owner', 'Admin revokes an Admin invitation');
    expect(await getInvitation(deps(), tenantId, invitation.invitationId)).toEqual(invitation);
    expect((await getMember(deps(), tenantId, invitation.memberId))?.status).toBe('invited');
  });

  it('a delegated member with users:write cannot resend or revoke an invitation of roles they do not hold', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const delegated = await memberIn(tenantId, { permissions: ['users:read', 'users:write', 'inbox:read'] });
    const { created } = await inviteMembers(
      deps(),
      ownerCaller,
      { emails: [uniqueEmail('to-manager'), uniqueEmail('to-viewer')], roles: [{ roleId: 'manager' }] },
      meta(),
    );
    const params = { tenantId, invitationId: created[0]!.invitationId };
    expectForbidden(
      await invoke(routes.resendInvitation, { identity: delegated.identity, params }),
      'escalation_denied',
      'delegated resends a Manager invitation',
    );
    expectForbidden(
      await invoke(routes.revokeInvitation, { identity: delegated.identity, params }),
      'escalation_denied',
      'delegated revokes a Manager invitation',
    );
    expect(await getInvitation(deps(), tenantId, created[0]!.invitationId)).toEqual(created[0]);

    // Whoever may grant the roles may resend and revoke: an Admin for a Manager invitation, the Owner for any.
    const resent = await invoke(routes.resendInvitation, { identity: admin.identity, params });
    expect(resent.status, JSON.stringify(resent.body)).toBe(200);
    expect((await invoke(routes.revokeInvitation, { identity: admin.identity, params })).status).toBe(204);
    const ownerParams = { tenantId, invitationId: created[1]!.invitationId };
    expect((await invoke(routes.revokeInvitation, { identity: ownerCaller, params: ownerParams })).status).toBe(204);
  });
});

describe('Admin-level power reaches a member only through the Owner, by any path (item 3)', () => {
  it('an Admin cannot create a copy of Admin (copyFrom or the full set); a narrower copy is fine', async () => {
    const { tenantId, admin } = await tenantWithAdmin();
    const post = (body: object) => invoke(routes.createRole, { identity: admin.identity, params: { tenantId }, body });
    expectForbidden(
      await post({ name: `Admin copy ${ulid()}`, copyFrom: 'admin' }),
      'admin_requires_owner',
      'Admin copies Admin',
    );
    expectForbidden(
      await post({ name: `Everything ${ulid()}`, permissions: [...adminSet] }),
      'admin_requires_owner',
      'Admin defines the full set',
    );
    const narrower = await post({ name: `Almost ${ulid()}`, copyFrom: 'admin', permissions: allBut('billing:manage') });
    expect(narrower.status, JSON.stringify(narrower.body)).toBe(201);
  });

  it('an Admin cannot assign or invite with an Owner-made copy of Admin', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const copy = await createRole(deps(), ownerCaller, { name: `Deputy ${ulid()}`, copyFrom: 'admin' }, meta());
    const member = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });

    const assigned = await invoke(routes.updateMember, {
      identity: admin.identity,
      params: { tenantId, memberId: member.member.memberId },
      body: { roles: [{ roleId: 'viewer' }, { roleId: copy.roleId }] },
    });
    expectForbidden(assigned, 'admin_requires_owner', 'Admin assigns a copy of Admin');
    expect((await getMember(deps(), tenantId, member.member.memberId))?.roles).toEqual([{ roleId: 'viewer' }]);

    const invited = await invoke(routes.createInvitations, {
      identity: admin.identity,
      params: { tenantId },
      body: { emails: [uniqueEmail('deputy')], roles: [{ roleId: copy.roleId }] },
    });
    expectForbidden(invited, 'admin_requires_owner', 'Admin invites with a copy of Admin');

    // The Owner can, and from then on only the Owner manages that member.
    const byOwner = await invoke(routes.updateMember, {
      identity: ownerCaller,
      params: { tenantId, memberId: member.member.memberId },
      body: { roles: [{ roleId: copy.roleId }] },
    });
    expect(byOwner.status, JSON.stringify(byOwner.body)).toBe(200);
    expectForbidden(
      await invoke(routes.suspendMember, {
        identity: admin.identity,
        params: { tenantId, memberId: member.member.memberId },
      }),
      'admin_requires_owner',
      'Admin suspends a holder of a copy of Admin',
    );
  });

  it('an Admin cannot complete Admin’s set with direct permissions, alone or beside a role', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const almost = await createRole(
      deps(),
      ownerCaller,
      { name: `Almost ${ulid()}`, permissions: allBut('billing:manage') },
      meta(),
    );
    const holder = await memberIn(tenantId, { roles: [{ roleId: almost.roleId }] });
    const plain = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    const patch = (memberId: string, body: object) =>
      invoke(routes.updateMember, { identity: admin.identity, params: { tenantId, memberId }, body });

    expectForbidden(
      await patch(holder.member.memberId, { permissions: ['billing:manage'] }),
      'admin_requires_owner',
      'Admin completes a role with a direct permission',
    );
    expectForbidden(
      await patch(plain.member.memberId, { permissions: [...adminSet] }),
      'admin_requires_owner',
      'Admin grants the full set directly',
    );
    expectForbidden(
      await patch(plain.member.memberId, { permissions: ['bots:delete'] }),
      'escalation_denied',
      'Admin grants bots:delete, which only the Owner holds',
    );
    expect((await getMember(deps(), tenantId, holder.member.memberId))?.permissions).toEqual([]);
    // Anything short of Admin's set is the Admin's to grant.
    const short = await patch(plain.member.memberId, { permissions: allBut('billing:manage') });
    expect(short.status, JSON.stringify(short.body)).toBe(200);
  });

  it('an Admin cannot edit a role its holders hold so that they reach Admin’s set', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const almost = await createRole(
      deps(),
      ownerCaller,
      { name: `Almost ${ulid()}`, permissions: allBut('billing:manage') },
      meta(),
    );
    const campaigns = await createRole(
      deps(),
      ownerCaller,
      { name: `Campaigns ${ulid()}`, permissions: ['campaigns:read'] },
      meta(),
    );
    await memberIn(tenantId, { roles: [{ roleId: almost.roleId }] });
    await memberIn(tenantId, { roles: [{ roleId: campaigns.roleId }], permissions: allBut('campaigns:send') });
    const patch = (roleId: string, permissions: readonly Permission[]) =>
      invoke(routes.updateRole, { identity: admin.identity, params: { tenantId, roleId }, body: { permissions } });

    expectForbidden(
      await patch(almost.roleId, adminSet),
      'admin_requires_owner',
      'Admin edits a held role into a copy of Admin',
    );
    expectForbidden(
      await patch(campaigns.roleId, ['campaigns:send']),
      'admin_requires_owner',
      'Admin edits a role so that a holder’s direct permissions complete Admin’s set',
    );
    expect((await getCustomRole(deps(), tenantId, campaigns.roleId))?.permissions).toEqual(['campaigns:read']);
    const harmless = await patch(campaigns.roleId, ['campaigns:read', 'contacts:read']);
    expect(harmless.status, JSON.stringify(harmless.body)).toBe(200);
  });

  it('an Admin cannot move the holders of a deleted role onto a copy of Admin', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const copy = await createRole(deps(), ownerCaller, { name: `Deputy ${ulid()}`, copyFrom: 'admin' }, meta());
    const old = await createRole(deps(), ownerCaller, { name: `Old ${ulid()}`, permissions: ['inbox:read'] }, meta());
    await memberIn(tenantId, { roles: [{ roleId: old.roleId }] });
    const deleted = await invoke(routes.deleteRole, {
      identity: admin.identity,
      params: { tenantId, roleId: old.roleId },
      query: { reassignTo: copy.roleId },
    });
    expectForbidden(deleted, 'admin_requires_owner', 'Admin reassigns holders to a copy of Admin');
    expect(await getCustomRole(deps(), tenantId, old.roleId)).toBeDefined();
  });
});

/**
 * The holders-read race (issue 11, item 3, closed): a grant is judged on the roles as they are when it is
 * read, an edit on the holders as they are when it reads them. Run at once, neither sees the other: an
 * Admin assigning role R to a member whose other grants plus R's new permission make Admin's set, while the
 * same Admin adds that permission to R, held by nobody yet. One after the other, whichever comes second is
 * refused; at once, no interleaving may leave the member Admin-level. Each round is a fresh role and member.
 */
describe('a grant and an edit of the granted role at once never add up to Admin-level power (item 3, race)', () => {
  const ROUNDS = 20;
  const jitter = (round: number) => new Promise((resolve) => setTimeout(resolve, (round % 5) * 3));

  /** Runs `grant` and the edit adding billing:manage to `roleId` together; returns both answers. */
  async function race(
    tenantId: string,
    admin: Awaited<ReturnType<typeof tenantWithAdmin>>['admin'],
    roleId: string,
    round: number,
    grant: () => ReturnType<typeof invoke>,
  ) {
    const edit = () =>
      invoke(routes.updateRole, {
        identity: admin.identity,
        params: { tenantId, roleId },
        body: { permissions: ['inbox:read', 'billing:manage'] },
      });
    const [granted, edited] =
      round % 2 === 0
        ? await Promise.all([grant(), jitter(round).then(edit)])
        : await Promise.all([jitter(round).then(grant), edit()]);
    for (const [label, result] of [
      ['grant', granted],
      ['edit', edited],
    ] as const) {
      // The loser is refused on the rule (403) or, if it lost the race every time it re-judged, told so (409).
      if (result.status !== 200 && result.status !== 201) {
        expect([403, 409], `${label}: ${JSON.stringify(result.body)}`).toContain(result.status);
        expect(['admin_requires_owner', 'concurrent_change']).toContain(result.body.code);
      }
    }
    return { granted, edited };
  }

  async function isAdminLevelMember(tenantId: string, memberId: string) {
    const member = (await getMember(deps(), tenantId, memberId))!;
    const [effective] = await effectivePermissionsOf(deps(), tenantId, [member]);
    return isAdminLevel(effective!);
  }

  async function warmUp(tenantId: string, admin: { identity: Identity }) {
    // Handlers loaded before the first round, so that the two requests of a round really overlap.
    for (const route of [routes.updateRole, routes.updateMember, routes.createInvitations, routes.deleteRole]) {
      await invoke(route, { identity: admin.identity, params: { tenantId, roleId: 'viewer', memberId: 'none' } });
    }
  }

  it(`PATCH member roles vs. PATCH role, ${ROUNDS} rounds: the member never ends up Admin-level`, async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    await warmUp(tenantId, admin);
    const escalated: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const role = await createRole(deps(), ownerCaller, { name: `R ${ulid()}`, permissions: ['inbox:read'] }, meta());
      const member = await memberIn(tenantId, { permissions: allBut('billing:manage') });
      const memberId = member.member.memberId;
      const { granted, edited } = await race(tenantId, admin, role.roleId, round, () =>
        invoke(routes.updateMember, {
          identity: admin.identity,
          params: { tenantId, memberId },
          body: { roles: [{ roleId: role.roleId }] },
        }),
      );
      if (await isAdminLevelMember(tenantId, memberId)) escalated.push(round);
      expect(granted.status === 200 && edited.status === 200, `round ${round}: both applied`).toBe(false);
    }
    expect(escalated, 'rounds that left the member Admin-level').toEqual([]);
  });

  it(`invitation vs. PATCH role, ${ROUNDS} rounds: the invited member never holds Admin-level power`, async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    await warmUp(tenantId, admin);
    const almost = await createRole(
      deps(),
      ownerCaller,
      { name: `Almost ${ulid()}`, permissions: allBut('billing:manage') },
      meta(),
    );
    const escalated: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const role = await createRole(deps(), ownerCaller, { name: `R ${ulid()}`, permissions: ['inbox:read'] }, meta());
      const { granted } = await race(tenantId, admin, role.roleId, round, () =>
        invoke(routes.createInvitations, {
          identity: admin.identity,
          params: { tenantId },
          body: { emails: [uniqueEmail(`race-${round}`)], roles: [{ roleId: role.roleId }, { roleId: almost.roleId }] },
        }),
      );
      const memberId = granted.body.created?.[0]?.memberId as string | undefined;
      if (memberId && (await isAdminLevelMember(tenantId, memberId))) escalated.push(round);
    }
    expect(escalated, 'rounds that left the invited member Admin-level').toEqual([]);
  });

  it(`DELETE role ?reassignTo vs. PATCH of the replacement, ${ROUNDS} rounds: no moved holder ends up Admin-level`, async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    await warmUp(tenantId, admin);
    const escalated: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const old = await createRole(deps(), ownerCaller, { name: `Old ${ulid()}`, permissions: ['inbox:read'] }, meta());
      const replacement = await createRole(
        deps(),
        ownerCaller,
        { name: `R ${ulid()}`, permissions: ['inbox:read'] },
        meta(),
      );
      const holder = await memberIn(tenantId, {
        roles: [{ roleId: old.roleId }],
        permissions: allBut('billing:manage'),
      });
      const { granted, edited } = await race(tenantId, admin, replacement.roleId, round, async () => {
        const deleted = await invoke(routes.deleteRole, {
          identity: admin.identity,
          params: { tenantId, roleId: old.roleId },
          query: { reassignTo: replacement.roleId },
        });
        return deleted.status === 204 ? { ...deleted, status: 200 } : deleted;
      });
      if (await isAdminLevelMember(tenantId, holder.member.memberId)) escalated.push(round);
      expect(granted.status === 200 && edited.status === 200, `round ${round}: both applied`).toBe(false);
    }
    expect(escalated, 'rounds that left the moved holder Admin-level').toEqual([]);
  });
});

describe('two edits of roles one member holds, at once, never add up to Admin-level power (item 3, race)', () => {
  it('PATCH role R1 vs. PATCH role R2, 20 rounds: the holder of both never ends up Admin-level', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const patch = (roleId: string, added: Permission) =>
      invoke(routes.updateRole, {
        identity: admin.identity,
        params: { tenantId, roleId },
        body: { permissions: ['inbox:read', added] },
      });
    await patch('viewer', 'inbox:read'); // handler loaded before the first round
    const escalated: number[] = [];
    for (let round = 0; round < 20; round++) {
      const [r1, r2] = await Promise.all(
        [1, 2].map((n) =>
          createRole(deps(), ownerCaller, { name: `R${n} ${ulid()}`, permissions: ['inbox:read'] }, meta()),
        ),
      );
      // Each edit alone leaves the holder one permission short of Admin's set; both complete it.
      const holder = await memberIn(tenantId, {
        roles: [{ roleId: r1!.roleId }, { roleId: r2!.roleId }],
        permissions: allBut('billing:manage', 'audit:export'),
      });
      const [first, second] = await Promise.all([
        patch(r1!.roleId, 'billing:manage'),
        patch(r2!.roleId, 'audit:export'),
      ]);
      const member = (await getMember(deps(), tenantId, holder.member.memberId))!;
      const [effective] = await effectivePermissionsOf(deps(), tenantId, [member]);
      if (isAdminLevel(effective!)) escalated.push(round);
      expect(
        [first.status, second.status].sort(),
        `round ${round}: ${JSON.stringify([first.body, second.body])}`,
      ).toEqual([200, 403]);
    }
    expect(escalated, 'rounds that left the holder Admin-level').toEqual([]);
  });
});

describe('role deletion packs moves and their role guards within a transaction’s 100 items', () => {
  it('30 holders, each keeping another custom role, all move to the replacement', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const role = (name: string) =>
      createRole(deps(), ownerCaller, { name: `${name} ${ulid()}`, permissions: ['inbox:read'] }, meta());
    const [old, replacement] = await Promise.all([role('Old'), role('New')]);
    // 30 moves of 4 items plus 31 guards: more than one transaction takes, whatever the order.
    const holders = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const kept = await role('Kept');
        return memberIn(tenantId, { roles: [{ roleId: old!.roleId }, { roleId: kept.roleId }] });
      }),
    );
    const deleted = await invoke(routes.deleteRole, {
      identity: admin.identity,
      params: { tenantId, roleId: old!.roleId },
      query: { reassignTo: replacement!.roleId },
    });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    for (const holder of holders) {
      const member = (await getMember(deps(), tenantId, holder.member.memberId))!;
      expect(member.roles.map((a) => a.roleId)).toEqual([holder.member.roles[1]!.roleId, replacement!.roleId]);
    }
    expect(await getCustomRole(deps(), tenantId, old!.roleId)).toBeUndefined();
  });
});

describe('accepting an invitation whose role became Admin-level since it was sent (item 3)', () => {
  it('a non-Owner’s invitation is refused (403, nothing changes) until the Owner resends it', async () => {
    const { tenantId, admin, ownerCaller } = await tenantWithAdmin();
    const role = await createRole(deps(), ownerCaller, { name: `R ${ulid()}`, permissions: ['inbox:read'] }, meta());
    const adminCaller = await resolveTenantCaller(deps(), admin.identity, tenantId);
    const email = uniqueEmail('grown');
    const sent = capturing();
    const { created } = await inviteMembers(
      sent.deps,
      adminCaller,
      { emails: [email], roles: [{ roleId: role.roleId }] },
      meta(),
    );
    const invitation = created[0]!;
    // The Owner may make a held role Admin-level; that does not make the Admin's invitation the Owner's.
    await updateRole(deps(), ownerCaller, role.roleId, { permissions: [...allPermissions] }, undefined, meta());

    const identity = { userId: `sub-${ulid()}`, email, groups: [] };
    const token = (await deliveredTokens(sent.events))[0]?.token;
    await expect(acceptInvitation(deps(), noDirectory, { token: token!, identity }, meta())).rejects.toMatchObject({
      status: 403,
      code: 'admin_requires_owner',
    });
    expect(await getInvitation(deps(), tenantId, invitation.invitationId)).toEqual(invitation);
    expect((await getMember(deps(), tenantId, invitation.memberId))?.status).toBe('invited');

    const resent = capturing();
    await resendInvitation(resent.deps, ownerCaller, invitation.invitationId, undefined, meta());
    const ownersToken = (await deliveredTokens(resent.events))[0]?.token;
    const joined = await acceptInvitation(deps(), noDirectory, { token: ownersToken!, identity }, meta());
    expect(joined.status).toBe('active');
  });
});
