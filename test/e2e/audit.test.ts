import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { api, drainStream, mailbox, seed, signIn } from '../support/local-stack';

/**
 * SPEC §2 scenario 7, as a client lives it over HTTP against the local stack: what people did shows up in
 * the audit log (filtered, newest first, paged), the chain verifies, and an export arrives as a CSV
 * behind a short-lived link, itself recorded in the log.
 */
const email = (label: string) => `${label}-${ulid().toLowerCase()}@example.com`;
const subOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).sub as string;

async function tenantWithSignedInOwner() {
  const admin = await signIn(seed().platformAdmin.email, seed().platformAdmin.password);
  const ownerEmail = email('audit-owner');
  const created = await api('/v1/tenants', {
    method: 'POST',
    token: admin.idToken,
    body: { name: 'Audit E2E', ownerEmail, seatLimit: 10 },
  });
  expect(created.status).toBe(201);
  await drainStream();
  const text = (await mailbox({ to: ownerEmail })).at(-1)!.body.text!;
  const token = /accept-invite\?token=([A-Za-z0-9_-]+)/.exec(text)![1]!;
  const password = `Pw-${ulid()}-e2e!`;
  expect((await api('/v1/invitations/accept', { method: 'POST', body: { token, password } })).status).toBe(200);
  const owner = await signIn(ownerEmail, password);
  return {
    tenantId: created.body.tenantId as string,
    adminSub: subOf(admin.idToken),
    owner,
    ownerEmail,
    ownerSub: subOf(owner.idToken),
  };
}

describe('audit log over HTTP', () => {
  it('records who did what from where, filters and pages it newest first, verifies, and exports it as CSV', async () => {
    const { tenantId, adminSub, owner, ownerEmail, ownerSub } = await tenantWithSignedInOwner();
    const [a, b] = [email('a'), email('b')];
    const invited = await api(`/v1/tenants/${tenantId}/invitations`, {
      method: 'POST',
      token: owner.idToken,
      headers: { 'user-agent': 'audit-e2e/1.0' },
      body: { emails: [a, b], roles: [{ roleId: 'agent' }] },
    });
    expect(invited.status).toBe(201);
    await drainStream();

    const all = await api(`/v1/tenants/${tenantId}/audit`, { token: owner.idToken });
    expect(all.status).toBe(200);
    expect(all.body.items.map((e: { action: string }) => e.action)).toEqual([
      'member.invited',
      'member.invited',
      'member.joined',
      'tenant.created',
    ]);
    expect(all.body.nextCursor).toBeNull();
    const [second, first] = all.body.items;
    expect(first).toMatchObject({
      tenantId,
      action: 'member.invited',
      actor: { id: ownerSub, email: ownerEmail, ip: '127.0.0.1', userAgent: 'audit-e2e/1.0' },
      target: { type: 'member', label: a },
      changes: { before: null, after: { email: a, status: 'invited' } },
      requestId: invited.headers['apigw-requestid'],
    });
    expect(second.target.label).toBe(b);
    expect(all.body.items[3]).toMatchObject({
      seq: 1,
      actor: { id: adminSub },
      target: { type: 'tenant', id: tenantId },
    });

    // Filters, one page at a time.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await api(
        `/v1/tenants/${tenantId}/audit?action=member.&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: owner.idToken },
      );
      expect(page.status).toBe(200);
      seen.push(
        ...page.body.items.map((e: { action: string; target: { label: string } }) => `${e.action} ${e.target.label}`),
      );
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([`member.invited ${b}`, `member.invited ${a}`, `member.joined ${ownerEmail}`]);
    // Combined: actor + full action + date range, one query.
    const since = encodeURIComponent(new Date(Date.now() - 3600_000).toISOString());
    const ownersInvitations = await api(
      `/v1/tenants/${tenantId}/audit?actorId=${ownerSub}&action=member.invited&from=${since}`,
      { token: owner.idToken },
    );
    expect(ownersInvitations.status).toBe(200);
    expect(ownersInvitations.body.items.map((e: { target: { label: string } }) => e.target.label)).toEqual([b, a]);
    const byActor = await api(`/v1/tenants/${tenantId}/audit?actorId=${adminSub}`, { token: owner.idToken });
    expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['tenant.created']);
    const future = await api(
      `/v1/tenants/${tenantId}/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      { token: owner.idToken },
    );
    expect(future.body.items).toEqual([]);

    expect((await api(`/v1/tenants/${tenantId}/audit/verify`, { token: owner.idToken })).body).toEqual({
      ok: true,
      checked: 4,
      complete: true,
      fromSeq: 1,
      toSeq: 4,
    });

    // Export: 202 with the export's location, then poll it until the worker is done.
    const requested = await api(`/v1/tenants/${tenantId}/audit/exports`, {
      method: 'POST',
      token: owner.idToken,
      body: { filter: { action: 'member.' } },
    });
    expect(requested.status).toBe(202);
    expect(requested.headers.location).toBe(`/v1/tenants/${tenantId}/audit/exports/${requested.body.exportId}`);
    let state: any;
    for (let i = 0; i < 50; i++) {
      await drainStream();
      state = (await api(requested.headers.location!, { token: owner.idToken })).body;
      if (state.status === 'done' || state.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toMatchObject({ status: 'done', rowCount: 3, filter: { action: 'member.' } });
    const csv = await fetch(state.downloadUrl);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'occurredAt,actor email,actor id,action,target type,target id,target label,changes,ip,user agent,request id,seq,hash',
    );
    expect(lines[1]).toContain(`,${ownerEmail},${ownerSub},member.invited,member,`);

    // The export is in the log, and the chain still verifies.
    await drainStream();
    const exported = await api(`/v1/tenants/${tenantId}/audit?action=audit.exported`, { token: owner.idToken });
    expect(exported.body.items).toHaveLength(1);
    expect(exported.body.items[0]).toMatchObject({
      actor: { id: ownerSub },
      target: { type: 'audit_export', id: requested.body.exportId },
    });
    expect((await api(`/v1/tenants/${tenantId}/audit/verify`, { token: owner.idToken })).body).toMatchObject({
      ok: true,
      checked: 5,
    });
  });

  it('refuses callers without audit permissions, and actor with target (no index serves both)', async () => {
    const { tenantId, owner } = await tenantWithSignedInOwner();
    const admin = await signIn(seed().platformAdmin.email, seed().platformAdmin.password);
    // A platform admin is not a member of the tenant: the tenant is not visible to them.
    expect((await api(`/v1/tenants/${tenantId}/audit`, { token: admin.idToken })).status).toBe(404);
    expect((await api(`/v1/tenants/${tenantId}/audit`)).status).toBe(401);
    const combined = await api(`/v1/tenants/${tenantId}/audit?actorId=x&targetId=y&action=member.`, {
      token: owner.idToken,
    });
    expect(combined.status).toBe(400);
    expect(combined.headers['content-type']).toBe('application/problem+json');
  });
});
