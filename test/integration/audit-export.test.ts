import { ulid } from 'ulidx';
import { beforeAll, describe, expect, it } from 'vitest';
import { s3 } from '../../shared/audit/csv-export';
import { verifyAuditChain } from '../../shared/audit/verify';
import type { AuditEntry } from '../../shared/data/audit-entry';
import type { Identity } from '../../shared/domain/actor';
import { routes } from '../../shared/http/routes';
import { requestAuditExport, runAuditExport } from '../../shared/services/audit-service';
import { resolveTenantCaller } from '../../shared/services/caller-service';
import { auditDeps, bulkAppend, chainOf, content, parseCsv } from '../support/audit';
import { deps, memberIn, meta, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { drainStream, stackInfo } from '../support/local-stack';

/**
 * Audit exports against DynamoDB Local and the S3 emulator: POST → 202, the export worker (the second
 * consumer of the main table's stream) streams the CSV into S3 with a multipart upload, GET hands out a
 * presigned link valid 15 minutes, and the export is itself audited.
 */

const HEADER = [
  'occurredAt',
  'actor email',
  'actor id',
  'action',
  'target type',
  'target id',
  'target label',
  'changes',
  'ip',
  'user agent',
  'request id',
  'seq',
  'hash',
];
/** Values a spreadsheet would run as formulas, cycled through the labels, emails and user agents. */
const HOSTILE = [
  '=HYPERLINK("http://evil.example","click")',
  '+1+2',
  '-3+4',
  '@SUM(A1:A9)',
  '=cmd|"/c calc"!A0',
  'plain, with "quotes"',
];
const ROWS = 10_000;
const MARCH = { from: '2021-03-01T00:00:00Z', to: '2021-03-31T23:59:59Z' };

let tenantId: string;
let owner: Identity;

beforeAll(async () => {
  const tenant = await tenantWithOwner();
  tenantId = tenant.tenantId;
  owner = tenant.owner.identity;
  await drainStream();
}, 60_000);

/** Polls the export until it is no longer pending or running. */
async function waitForExport(exportId: string, timeoutMs = 60_000, of = { owner, tenantId }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The export worker runs the export inside the drain; a drain slower than the server's limit (a loaded
    // machine) is only a shorter wait: the status below decides.
    await drainStream().catch(() => undefined);
    const result = await invoke(routes.getAuditExport, {
      identity: of.owner,
      params: { tenantId: of.tenantId, exportId },
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    if (result.body.status === 'done' || result.body.status === 'failed') return result.body;
    if (Date.now() > deadline) throw new Error(`export ${exportId} still ${result.body.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('audit export to S3', () => {
  it(`exports ${ROWS} entries as CSV with ${ROWS + 1} lines, formulas escaped, downloadable through the presigned URL`, async () => {
    const loadStarted = performance.now();
    const start = Date.parse('2021-03-01T00:00:00Z');
    const contents = Array.from({ length: ROWS }, (_, i) =>
      content(tenantId, {
        occurredAt: new Date(start + i * 60_000).toISOString(),
        actor: {
          id: `sub-${i % 7}`,
          email: i % 5 === 0 ? '=evil@example.com' : `user${i % 7}@example.com`,
          ip: '198.51.100.7',
          userAgent: i % 3 === 0 ? '-ua' : 'Mozilla/5.0',
        },
        target: { type: 'member', id: ulid(), label: HOSTILE[i % HOSTILE.length]! },
        changes: { before: { note: HOSTILE[(i + 1) % HOSTILE.length] }, after: { note: 'x' } },
      }),
    );
    await bulkAppend(tenantId, contents, 4); // 4 writers: DynamoDB Local is shared with the other test files
    const loadMs = performance.now() - loadStarted;
    // The bulk load is a valid continuation of the tenant's chain.
    expect((await verifyAuditChain(auditDeps(), tenantId, {})).ok).toBe(true);

    const exportStarted = performance.now();
    const created = await invoke(routes.createAuditExport, {
      identity: owner,
      params: { tenantId },
      body: { filter: MARCH },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const { exportId } = created.body as { exportId: string };
    expect(created.headers.location).toBe(`/v1/tenants/${tenantId}/audit/exports/${exportId}`);

    const done = await waitForExport(exportId, 120_000);
    const exportMs = performance.now() - exportStarted;
    expect(done).toMatchObject({
      exportId,
      status: 'done',
      rowCount: ROWS,
      filter: MARCH,
      downloadUrl: expect.any(String),
    });

    // The link is the emulator's, presigned for 15 minutes, path-style.
    const url = new URL(done.downloadUrl);
    expect(url.origin).toBe(new URL(stackInfo().s3.endpoint).origin);
    expect(url.pathname).toBe(`/${stackInfo().s3.bucket}/exports/${tenantId}/${exportId}.csv`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(Date.parse(done.downloadUrlExpiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await response.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n').slice(0, -1)).toHaveLength(ROWS + 1);

    const records = parseCsv(text);
    expect(records).toHaveLength(ROWS + 1);
    expect(records[0]).toEqual(HEADER);
    const rows = records.slice(1);
    for (const row of rows) expect(row).toHaveLength(HEADER.length);
    // Newest first, every seq once.
    expect(rows[0]![0]).toBe(new Date(start + (ROWS - 1) * 60_000).toISOString());
    expect(new Set(rows.map((row) => row[11])).size).toBe(ROWS);
    // No cell may start a formula: the dangerous ones are prefixed with a single quote.
    for (const row of rows) {
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    }
    const labels = new Set(rows.map((row) => row[6]));
    expect(labels).toEqual(
      new Set([
        '\'=HYPERLINK("http://evil.example","click")',
        "'+1+2",
        "'-3+4",
        "'@SUM(A1:A9)",
        '\'=cmd|"/c calc"!A0',
        'plain, with "quotes"',
      ]),
    );
    expect(rows.filter((row) => row[1] === "'=evil@example.com")).toHaveLength(ROWS / 5);
    expect(rows.filter((row) => row[9] === "'-ua").length).toBeGreaterThan(0);
    expect(JSON.parse(rows[0]![7]!)).toEqual({ before: { note: expect.any(String) }, after: { note: 'x' } });

    // The export is itself in the trail, by its requester.
    let exported: AuditEntry[] = [];
    for (let i = 0; i < 60 && exported.length === 0; i++) {
      await drainStream().catch(() => undefined);
      exported = (await chainOf(tenantId)).filter((e) => e.action === 'audit.exported');
    }
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({
      actor: { id: owner.userId, email: owner.email },
      target: { type: 'audit_export', id: exportId, label: `from=${MARCH.from}, to=${MARCH.to}` },
      changes: { before: null, after: { filter: MARCH } },
    });
    console.info(
      JSON.stringify({
        bench: 'audit export',
        rows: ROWS,
        bytes: text.length,
        loadMs: Math.round(loadMs),
        exportMs: Math.round(exportMs),
      }),
    );
  }, 180_000);

  it('an export matching nothing is a header-only CSV', async () => {
    const created = await invoke(routes.createAuditExport, {
      identity: owner,
      params: { tenantId },
      body: { filter: { actorId: 'sub-nobody' } },
    });
    expect(created.status).toBe(202);
    const done = await waitForExport(created.body.exportId);
    expect(done).toMatchObject({ status: 'done', rowCount: 0 });
    const text = await (await fetch(done.downloadUrl)).text();
    expect(text).toBe(`${HEADER.join(',')}\n`);
  });

  it('no field starts a formula in a spreadsheet that splits on comma, semicolon or tab (role names, labels)', async () => {
    const tenant = await tenantWithOwner();
    const of = { owner: tenant.owner.identity, tenantId: tenant.tenantId };
    await drainStream();
    // Through the API: a role name is free text, and `;` or `,` in it is legitimate.
    const roleName = 'x;=HYPERLINK("http://evil")';
    const role = await invoke(routes.createRole, {
      identity: of.owner,
      params: { tenantId: of.tenantId },
      body: { name: roleName, permissions: [] },
    });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    await drainStream();
    // Already in the trail (older data, user agents): tabs, CR, full-width triggers, spaces before a trigger.
    const labels = [
      'a\t=1+1',
      'b,＝1+1',
      'c;＠SUM(A1)',
      '\r=1',
      '\t-2',
      'd, -2+3',
      'e;\t+1',
      '＋1',
      'f,\t\t@x',
      'ok; safe, text',
    ];
    await bulkAppend(
      of.tenantId,
      labels.map((label) =>
        content(of.tenantId, {
          target: { type: 'member', id: ulid(), label },
          actor: { id: 'sub-x', userAgent: label },
        }),
      ),
    );
    const created = await invoke(routes.createAuditExport, {
      identity: of.owner,
      params: { tenantId: of.tenantId },
      body: {},
    });
    expect(created.status).toBe(202);
    const done = await waitForExport(created.body.exportId, 60_000, of);
    expect(done.status).toBe('done');
    const rows = parseCsv(await (await fetch(done.downloadUrl)).text()).slice(1);

    const trigger = /^ *[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
    for (const row of rows) {
      for (const cell of row) {
        for (const separator of [',', ';', '\t']) {
          for (const piece of cell.split(separator)) expect(piece, JSON.stringify(cell)).not.toMatch(trigger);
        }
      }
    }
    // Nothing is lost: the neutralised label is the original with quotes inserted before the triggers.
    const exportedLabels = rows.map((row) => row[6]!);
    expect(exportedLabels).toContain('x;\'=HYPERLINK("http://evil")');
    for (const label of [roleName, ...labels]) {
      expect(exportedLabels.map((exported) => exported.replaceAll("'", ''))).toContain(label);
    }
  });

  it('a redelivered export request does not run the export again', async () => {
    const caller = await resolveTenantCaller(deps(), owner, tenantId);
    const record = await requestAuditExport(deps(), caller, { action: 'audit.' }, meta());
    await waitForExport(record.exportId);
    const storage = { s3, bucket: stackInfo().s3.bucket };
    expect(await runAuditExport(deps(), storage, record, 3)).toBe('skipped');
  });

  it('validates the filter, and only audit:export holders may export or read exports', async () => {
    const invalid = await invoke(routes.createAuditExport, {
      identity: owner,
      params: { tenantId },
      body: { filter: { action: 'nope.' } },
    });
    expect(invalid.status).toBe(400);
    const unknownField = await invoke(routes.createAuditExport, {
      identity: owner,
      params: { tenantId },
      body: { filter: { tenantId } },
    });
    expect(unknownField.status).toBe(400);

    const viewer = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
    expect(
      (
        await invoke(routes.createAuditExport, {
          identity: viewer.identity,
          params: { tenantId },
          body: { filter: {} },
        })
      ).status,
    ).toBe(403);
    const created = await invoke(routes.createAuditExport, { identity: owner, params: { tenantId }, body: {} });
    expect(created.status).toBe(202);
    expect(
      (
        await invoke(routes.getAuditExport, {
          identity: viewer.identity,
          params: { tenantId, exportId: created.body.exportId },
        })
      ).status,
    ).toBe(403);

    // Another tenant's export id is simply not found.
    const other = await tenantWithOwner();
    const foreign = await invoke(routes.getAuditExport, {
      identity: other.owner.identity,
      params: { tenantId: other.tenantId, exportId: created.body.exportId },
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body.code).toBe('export_not_found');
  });
});
