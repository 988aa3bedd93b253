import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { getMember } from '../../shared/data/member-repository';
import { createTenant, getTenantSummary, updateTenant } from '../../shared/services/tenant-service';
import { codeOf } from '../support/domain-errors';
import { capturing, deps, meta, platformAdmin, tenantWithOwner, uniqueEmail } from '../support/fixtures';

describe('tenants (DynamoDB Local)', () => {
  it('creates a tenant with an invited Owner who holds one seat, and writes tenant.created in the same transaction', async () => {
    const { deps: d, events } = capturing();
    const ownerEmail = uniqueEmail('owner');
    const { tenant, owner } = await createTenant(d, platformAdmin, { name: 'Acme', ownerEmail, seatLimit: 5 }, meta());

    const stored = await getTenantSummary(deps(), tenant.tenantId);
    expect(stored).toMatchObject({ name: 'Acme', seatLimit: 5, seatsUsed: 1, version: 1 });
    const storedOwner = await getMember(deps(), tenant.tenantId, owner.memberId);
    expect(storedOwner).toMatchObject({ email: ownerEmail, status: 'invited', roles: [{ roleId: 'owner' }] });

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'tenant.created',
      tenantId: tenant.tenantId,
      actor: { id: platformAdmin.userId },
    });
  });

  it('updates name and seat limit, with If-Match giving 412 on a stale version', async () => {
    const { tenantId } = await tenantWithOwner(10);
    const updated = await updateTenant(deps(), platformAdmin, tenantId, { name: 'Renamed' }, 1, meta());
    expect(updated).toMatchObject({ name: 'Renamed', version: 2 });
    expect(await codeOf(updateTenant(deps(), platformAdmin, tenantId, { seatLimit: 20 }, 1, meta()))).toBe(
      'version_mismatch',
    );
    expect(await getTenantSummary(deps(), tenantId)).toMatchObject({ name: 'Renamed', seatLimit: 10, version: 2 });
  });

  it('refuses a seat limit below the seats in use, and writes no event for the refused change', async () => {
    const { tenantId } = await tenantWithOwner(10);
    const { deps: d, events } = capturing();
    expect(await codeOf(updateTenant(d, platformAdmin, tenantId, { seatLimit: 0 as number }, undefined, meta()))).toBe(
      'seat_limit_below_usage',
    );
    expect(events).toHaveLength(0);
  });

  it('of 10 parallel updates with the same If-Match, exactly one wins and the others get 412', async () => {
    const { tenantId } = await tenantWithOwner(10);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        codeOf(updateTenant(deps(), platformAdmin, tenantId, { seatLimit: 20 + i }, 1, meta())),
      ),
    );
    expect(outcomes.filter((o) => o === 'resolved')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'version_mismatch')).toHaveLength(9);
    expect((await getTenantSummary(deps(), tenantId)).version).toBe(2);
  });

  it('answers an unknown tenant with tenant_not_found', async () => {
    expect(await codeOf(getTenantSummary(deps(), ulid()))).toBe('tenant_not_found');
  });
});
