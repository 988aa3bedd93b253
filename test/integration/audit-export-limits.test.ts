import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../shared/data/audit-entry';
import { transactWithExportSlot } from '../../shared/data/audit-export-repository';
import type { AuditKeyFilter } from '../../shared/data/audit-keys';
import type { Identity } from '../../shared/domain/actor';
import {
  EXPORT_RETRY_AFTER_SECONDS,
  EXPORT_SLOT_TTL_SECONDS,
  MAX_EXPORTS_IN_PROGRESS,
} from '../../shared/domain/export-limits';
import { routes } from '../../shared/http/routes';
import { requestAuditExport } from '../../shared/services/audit-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { bulkAppend, chainOf, content, parseCsv } from '../support/audit';
import { deps, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream } from '../support/local-stack';

/**
 * Audit exports take the same combined filter as `GET /audit` (issue 11, item 6), and at most three
 * exports are in progress per tenant at once (item 10): the fourth concurrent request is answered
 * 429 export_limit_reached with Retry-After; a finished, failed or expired export frees its slot.
 */

type Tenant = { tenantId: string; owner: Identity };

async function newTenant(): Promise<Tenant> {
  const tenant = await tenantWithOwner();
  await drainStream();
  return { tenantId: tenant.tenantId, owner: tenant.owner.identity };
}

const requestExport = (tenant: Tenant, filter: Record<string, string> = {}) =>
  invoke(routes.createAuditExport, {
    identity: tenant.owner,
    params: { tenantId: tenant.tenantId },
    body: { filter },
  });

/** Polls the export (running the export worker through the stream) until it is done or failed. */
async function waitForExport(tenant: Tenant, exportId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await drainStream().catch(() => undefined);
    const result = await invoke(routes.getAuditExport, {
      identity: tenant.owner,
      params: { tenantId: tenant.tenantId, exportId },
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    if (result.body.status === 'done' || result.body.status === 'failed') return result.body;
    if (Date.now() > deadline) throw new Error(`export ${exportId} still ${result.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('audit export with a combined filter', () => {
  it('exports exactly the entries of actor + action prefix + date range, newest first', async () => {
    const tenant = await newTenant();
    const actions = ['role.created', 'role.updated', 'member.suspended', 'role.deleted'] as const;
    await bulkAppend(
      tenant.tenantId,
      Array.from({ length: 60 }, (_, i) =>
        content(tenant.tenantId, {
          occurredAt: new Date(Date.UTC(2025, 5, 1) + i * 3600_000).toISOString(),
          actor: { id: i % 2 === 0 ? 'sub-alice' : 'sub-bob', email: 'x@example.com' },
          action: actions[i % actions.length]!,
        }),
      ),
    );
    const filter = {
      actorId: 'sub-alice',
      action: 'role.',
      from: '2025-06-01T10:00:00Z',
      to: '2025-06-02T20:00:00Z',
    };
    const want = (await chainOf(tenant.tenantId))
      .filter(
        (e: AuditEntry) =>
          e.actor.id === 'sub-alice' &&
          e.action.startsWith('role.') &&
          e.occurredAt >= '2025-06-01T10:00:00.000Z' &&
          e.occurredAt <= '2025-06-02T20:00:00.000Z',
      )
      .sort((a, b) => b.occurredAt.localeCompare(a.occurredAt) || b.seq - a.seq);
    expect(want.length).toBeGreaterThan(5);

    const created = await requestExport(tenant, filter);
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const done = await waitForExport(tenant, created.body.exportId);
    expect(done).toMatchObject({ status: 'done', rowCount: want.length, filter });
    const rows = parseCsv(await (await fetch(done.downloadUrl)).text()).slice(1);
    expect(rows.map((row) => Number(row[11]))).toEqual(want.map((e) => e.seq));
  });

  it('refuses actor and target together, as GET /audit does', async () => {
    const tenant = await newTenant();
    const result = await requestExport(tenant, { actorId: 'sub-alice', targetId: 'M1', action: 'role.' });
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('validation_failed');
  });
});

/**
 * Holds `count` of the tenant's export slots for exports whose worker died (no export record: the stream
 * worker, which finishes real exports within milliseconds here, cannot free them), taken at `now`.
 */
async function holdSlots(tenantId: string, count: number, now = new Date()) {
  for (let i = 0; i < count; i++) {
    await transactWithExportSlot(
      deps(),
      {
        tenantId,
        exportId: ulid(),
        limit: MAX_EXPORTS_IN_PROGRESS,
        now,
        expiresAt: new Date(now.getTime() + EXPORT_SLOT_TTL_SECONDS * 1000),
        retryAfterSeconds: EXPORT_RETRY_AFTER_SECONDS,
      },
      () => [],
    );
  }
}

describe('concurrent exports per tenant', () => {
  it('10 requests at once: 3 accepted (plus one per export that finished meanwhile), the rest 429 export_limit_reached with Retry-After', async () => {
    const tenant = await newTenant();
    const results = await Promise.all(Array.from({ length: 10 }, () => requestExport(tenant)));
    const burstEnd = new Date().toISOString();
    const accepted = results.filter((r) => r.status === 202);
    const refused = results.filter((r) => r.status === 429);
    expect(accepted.length + refused.length).toBe(10);
    // The local stack's export worker runs alongside: an export that finished during the burst freed its slot.
    const finishedDuringBurst = (
      await Promise.all(
        accepted.map((r) =>
          invoke(routes.getAuditExport, {
            identity: tenant.owner,
            params: { tenantId: tenant.tenantId, exportId: r.body.exportId },
          }),
        ),
      )
    ).filter((r) => r.body.completedAt !== undefined && r.body.completedAt <= burstEnd).length;
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    expect(accepted.length).toBeLessThanOrEqual(3 + finishedDuringBurst);
    expect(refused.length).toBeGreaterThan(0);
    for (const result of refused) {
      expect(result.headers['content-type']).toContain('application/problem+json');
      expect(result.body).toMatchObject({ status: 429, code: 'export_limit_reached', limit: 3 });
      expect(Number(result.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Only the accepted requests were recorded and audited (a refused one wrote nothing).
    await drainStream();
    const audited = (await chainOf(tenant.tenantId)).filter((e) => e.action === 'audit.exported');
    expect(audited.map((e) => e.target.id).sort()).toEqual(accepted.map((r) => r.body.exportId).sort());
  });

  it('every slot held: 429 with Retry-After, other tenants unaffected; an export that never finished stops counting after the worker’s maximum duration', async () => {
    const tenant = await newTenant();
    await holdSlots(tenant.tenantId, 3);
    const refused = await requestExport(tenant);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'export_limit_reached', limit: 3 });
    expect(Number(refused.headers['retry-after'])).toBe(EXPORT_RETRY_AFTER_SECONDS);

    const other = await newTenant();
    expect((await requestExport(other)).status).toBe(202);

    // An hour and a minute later, the dead exports' slots are free again.
    const caller = await resolveTenantCaller(deps(), tenant.owner, tenant.tenantId);
    await expect(requestAuditExport(deps(), caller, {}, meta())).rejects.toMatchObject({
      code: 'export_limit_reached',
    });
    const later = { ...deps(), now: () => new Date(Date.now() + 61 * 60_000) };
    expect((await requestAuditExport(later, caller, {}, meta())).status).toBe('pending');
  });

  it('a finished export frees its slot', async () => {
    const tenant = await newTenant();
    await holdSlots(tenant.tenantId, 2);
    const first = await requestExport(tenant);
    expect(first.status).toBe(202);
    expect((await waitForExport(tenant, first.body.exportId)).status).toBe('done');
    // Two slots are still held by dead exports: this one can only be the slot the finished export freed.
    expect((await requestExport(tenant)).status).toBe(202);
  });

  it('a failed export frees its slot', async () => {
    const tenant = await newTenant();
    await holdSlots(tenant.tenantId, 2);
    const caller = await resolveTenantCaller(deps(), tenant.owner, tenant.tenantId);
    // A filter no query can run (written around validation) makes every run of the worker fail.
    const broken = await requestAuditExport(deps(), caller, { from: 'not a date' } as AuditKeyFilter, meta());
    expect((await waitForExport(tenant, broken.exportId)).status).toBe('failed');
    expect((await requestExport(tenant)).status).toBe(202);
  });
});
