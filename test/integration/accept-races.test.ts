import { ulid } from 'ulidx';
import { describe, expect, it, vi } from 'vitest';
import { getMember } from '../../shared/data/member-repository';
import { routes } from '../../shared/http/routes';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { inviteMembers } from '../../shared/services/invitation-service';
import {
  capturing,
  deliveredTokens,
  deps,
  meta,
  strongPassword,
  tenantWithOwner,
  uniqueEmail,
} from '../support/fixtures';
import { invoke } from '../support/invoke';
import { signIn } from '../support/local-stack';

vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

/**
 * Accepting with a password creates a Cognito identity; a decline, revoke or other accept of the same
 * token at the same moment can win the token. Whatever the outcome, no identity may be left that someone
 * can sign in with unless the invitation produced it (security review, item 2): no orphan account holding
 * the losing accept's password, and no `identity_exists` for the next invitation of that address.
 */
const INVITATIONS = 12;
const rivals = ['decline', 'revoke', 'accept'] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const canSignIn = (email: string, password: string) =>
  signIn(email, password).then(
    () => true,
    () => false,
  );

describe('accept with a password racing decline, revoke and accept of the same token (cognito-local, DynamoDB Local)', () => {
  it('leaves no identity anyone can sign in with unless the accept won, and the address can be invited and join again', async () => {
    const { tenantId, owner } = await tenantWithOwner(100);
    const caller = await resolveTenantCaller(deps(), owner.identity, tenantId);
    const { deps: d, events } = capturing();
    const emails = Array.from({ length: INVITATIONS }, (_, i) => uniqueEmail(`race-${rivals[i % 3]}`));
    const { created } = await inviteMembers(d, caller, { emails, roles: [{ roleId: 'viewer' }] }, meta());
    const tokens = await deliveredTokens(events);
    expect(created).toHaveLength(INVITATIONS);

    // Load the handlers first: a cold import would let every rival finish before the accept reads the token.
    for (const route of [routes.acceptInvitation, routes.declineInvitation, routes.revokeInvitation]) {
      await invoke(route, {
        identity: owner.identity,
        params: { tenantId, invitationId: ulid() },
        body: { token: 'x' },
      });
    }
    const races = created.map((invitation, i) => {
      const token = tokens.find((t) => t.to === invitation.email)!.token;
      const rival = rivals[i % 3]!;
      const passwords = [strongPassword(), strongPassword()] as const;
      const accept = (password: string) =>
        invoke(routes.acceptInvitation, { body: { token, password } }).then((r) => r.status);
      // The rival starts a little after the accept, at a few offsets, to land inside the accept's work.
      const other = sleep((i % 4) * 10).then(() =>
        rival === 'decline'
          ? invoke(routes.declineInvitation, { body: { token } }).then((r) => r.status)
          : rival === 'revoke'
            ? invoke(routes.revokeInvitation, {
                identity: owner.identity,
                params: { tenantId, invitationId: invitation.invitationId },
              }).then((r) => r.status)
            : accept(passwords[1]),
      );
      return { invitation, rival, passwords, outcome: Promise.all([accept(passwords[0]), other]) };
    });

    let acceptsLost = 0;
    for (const race of races) {
      const [accepted, rivalStatus] = await race.outcome;
      const { email, memberId } = race.invitation;
      const label = `${race.rival} of ${email}: accept ${accepted}, rival ${rivalStatus}`;
      // Exactly one side of each race wins the token.
      expect(
        [accepted, rivalStatus].filter((s) => s < 300),
        label,
      ).toHaveLength(1);
      const winnerPassword = accepted < 300 ? race.passwords[0] : race.rival === 'accept' ? race.passwords[1] : null;
      const loserPasswords = race.passwords.filter((p) => p !== winnerPassword);
      for (const password of loserPasswords) {
        expect(await canSignIn(email, password), `${label}: the losing accept's password signs in`).toBe(false);
      }
      if (winnerPassword) {
        expect(await canSignIn(email, winnerPassword), `${label}: the winner signs in`).toBe(true);
        expect((await getMember(deps(), tenantId, memberId))?.status).toBe('active');
        continue;
      }
      acceptsLost++;
      expect(await getMember(deps(), tenantId, memberId), label).toBeUndefined();
      // The address is free again: a new invitation of it can be accepted with a new password.
      const again = capturing();
      const reinvited = await inviteMembers(
        again.deps,
        caller,
        { emails: [email], roles: [{ roleId: 'agent' }] },
        meta(),
      );
      expect(reinvited.created, label).toHaveLength(1);
      const { token } = (await deliveredTokens(again.events))[0]!;
      const password = `Pw-${ulid()}-again!`;
      const joined = await invoke(routes.acceptInvitation, { body: { token, password } });
      expect(joined.status, `${label}: re-invited accept answered ${JSON.stringify(joined.body)}`).toBe(200);
      expect(await canSignIn(email, password)).toBe(true);
    }
    // The race really happened: some accepts lost to a decline or a revoke.
    expect(acceptsLost).toBeGreaterThan(0);
  });
});
