import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { putNewRole } from '../../shared/data/role-repository';
import { transactWrite } from '../../shared/data/transactions';
import type { Identity } from '../../shared/domain/actor';
import type { RouteDefinition } from '../../shared/http/route-definition';
import { routes } from '../../shared/http/routes';
import { deps, memberIn, platformAdmin, tenantWithOwner, uniqueEmail } from '../support/fixtures';
import { invoke } from '../support/invoke';

/**
 * Issue 11, item 5: names and free text through the real handlers and DynamoDB Local. Names are one line
 * of text; descriptions and invitation messages may hold line breaks; neither holds control characters,
 * bidi controls or lone surrogates, which are refused with a 400 problem naming the field.
 */

/** Characters a name must not hold: each one is refused wherever it stands. */
const NOT_IN_NAMES: Record<string, string> = {
  CRLF: '\r\n',
  LF: '\n',
  CR: '\r',
  NUL: '\u0000',
  TAB: '\t',
  ESC: '\u001B',
  DEL: '\u007F',
  NEL: '\u0085',
  'lone high surrogate': '\uD800',
  'lone low surrogate': '\uDC00',
  RLO: '\u202E',
  LRE: '\u202A',
  RLI: '\u2067',
  PDI: '\u2069',
  RLM: '\u200F',
  ALM: '\u061C',
  'line separator': '\u2028',
};
/** Descriptions and messages keep line breaks; the rest is refused there too. */
const NOT_IN_FREE_TEXT = Object.fromEntries(
  Object.entries(NOT_IN_NAMES).filter(([name]) => !['CRLF', 'LF'].includes(name)),
);

interface Field {
  readonly path: string;
  readonly route: RouteDefinition;
  readonly identity: Identity;
  readonly params: Record<string, string>;
  readonly body: (text: string) => Record<string, unknown>;
  readonly headers?: Record<string, string>;
}

async function fields(): Promise<{ names: Field[]; freeText: Field[] }> {
  const { tenantId, owner } = await tenantWithOwner();
  const member = await memberIn(tenantId, { roles: [{ roleId: 'viewer' }] });
  const role = await invoke(routes.createRole, {
    identity: owner.identity,
    params: { tenantId },
    body: { name: `Role ${ulid()}`, permissions: [] },
  });
  expect(role.status).toBe(201);
  const asOwner = { identity: owner.identity, params: { tenantId } };
  const onRole = { ...asOwner, params: { tenantId, roleId: role.body.roleId } };
  const onMember = { ...asOwner, params: { tenantId, memberId: member.member.memberId } };
  const invite = (message: string) => ({ emails: [uniqueEmail()], roles: [{ roleId: 'viewer' }], message });
  return {
    names: [
      {
        path: 'body.name',
        route: routes.createTenant,
        identity: platformAdmin,
        params: {},
        body: (name) => ({ name: `Acme${name}Corp`, ownerEmail: uniqueEmail(), seatLimit: 5 }),
      },
      {
        path: 'body.name',
        route: routes.updateTenant,
        ...asOwner,
        identity: platformAdmin,
        body: (name) => ({ name: `Acme${name}` }),
      },
      {
        path: 'body.name',
        route: routes.createRole,
        ...asOwner,
        body: (name) => ({ name: `Ops${name}Team`, permissions: [] }),
      },
      { path: 'body.name', route: routes.updateRole, ...onRole, body: (name) => ({ name: `Ops${name}` }) },
      {
        path: 'body.displayName',
        route: routes.updateMember,
        ...onMember,
        body: (name) => ({ displayName: `Ann${name}Lee` }),
      },
      {
        path: 'body.displayName',
        route: routes.acceptInvitation,
        identity: member.identity,
        params: {},
        body: (name) => ({ token: 'any-token', displayName: `Ann${name}` }),
      },
    ],
    freeText: [
      {
        path: 'body.description',
        route: routes.createRole,
        ...asOwner,
        body: (text) => ({ name: `Role ${ulid()}`, description: `Does${text}things`, permissions: [] }),
      },
      { path: 'body.description', route: routes.updateRole, ...onRole, body: (text) => ({ description: `x${text}` }) },
      { path: 'body.message', route: routes.createInvitations, ...asOwner, body: (text) => invite(`Hi${text}there`) },
    ],
  };
}

async function expectRefused(field: Field, text: string, what: string) {
  const result = await invoke(field.route, {
    identity: field.identity,
    params: field.params,
    body: field.body(text),
    headers: field.headers,
  });
  const label = `${field.route.operationId} ${field.path} with ${what}`;
  expect(result.status, `${label}: ${JSON.stringify(result.body)}`).toBe(400);
  expect(result.headers['content-type'], label).toBe('application/problem+json');
  expect(result.body.code, label).toBe('validation_failed');
  expect(
    result.body.errors.map((error: { path: string }) => error.path),
    label,
  ).toContain(field.path);
}

describe('names and free text', () => {
  it('refuses control characters, line breaks, bidi controls and lone surrogates in every name (400 naming the field)', async () => {
    const { names } = await fields();
    for (const field of names) {
      for (const [what, text] of Object.entries(NOT_IN_NAMES)) await expectRefused(field, text, what);
    }
  });

  it('refuses them in descriptions and invitation messages too, line breaks apart', async () => {
    const { freeText } = await fields();
    for (const field of freeText) {
      for (const [what, text] of Object.entries(NOT_IN_FREE_TEXT)) await expectRefused(field, text, what);
    }
  });

  it('keeps line breaks (CRLF as LF) in descriptions and messages, and ordinary Unicode in names', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const created = await invoke(routes.createRole, {
      identity: owner.identity,
      params: { tenantId },
      body: { name: 'Équipe 支援 👩‍💻', description: 'First line\r\nsecond line\nthird', permissions: [] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'Équipe 支援 👩‍💻', description: 'First line\nsecond line\nthird' });
    const invited = await invoke(routes.createInvitations, {
      identity: owner.identity,
      params: { tenantId },
      body: { emails: [uniqueEmail()], roles: [{ roleId: 'viewer' }], message: 'Welcome!\n\nSee you soon.' },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body.created[0].message).toBe('Welcome!\n\nSee you soon.');
  });

  it('refuses a custom role name confusable with a built-in role or another custom role (TR39 skeleton, any case)', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const create = (name: string) =>
      invoke(routes.createRole, { identity: owner.identity, params: { tenantId }, body: { name, permissions: [] } });
    const lookalikes = {
      'Cyrillic O': '\u041Ewner',
      'Cyrillic a': '\u0430dmin',
      'l for I': 'ADMlN',
      'rn for m': 'Adrnin',
      'Ukrainian i': 'V\u0456ewer',
      'Greek Alpha': '\u0391gent',
      'upper case': 'MANAGER',
      'Cyrillic, lower case': '\u043Ewner',
    };
    for (const [what, name] of Object.entries(lookalikes)) {
      const refused = await create(name);
      expect(refused.status, `${what}: ${JSON.stringify(refused.body)}`).toBe(409);
      expect(refused.body.code, what).toBe('role_name_taken');
    }
    // Among custom roles too, on create and on rename.
    expect((await create('Ops')).status).toBe(201);
    expect((await create('\u041Eps')).body.code).toBe('role_name_taken');
    const support = await create('Support');
    expect(support.status).toBe(201);
    const renamed = await invoke(routes.updateRole, {
      identity: owner.identity,
      params: { tenantId, roleId: support.body.roleId },
      body: { name: '\u0410dmin' },
    });
    expect(renamed.body.code).toBe('role_name_taken');
    expect(
      (
        await invoke(routes.updateRole, {
          identity: owner.identity,
          params: { tenantId, roleId: support.body.roleId },
          body: { name: '0ps' },
        })
      ).body.code,
    ).toBe('role_name_taken');
    // Names that only resemble one stay free.
    for (const name of ['Owners', 'Admin team', 'Sub-agent', 'Reviewer'])
      expect((await create(name)).status, name).toBe(201);
  });

  it('a role made before look-alike guards existed keeps its exact-name guard, and gets the look-alike one on rename', async () => {
    const { tenantId, owner } = await tenantWithOwner();
    const now = new Date().toISOString();
    const legacy = { tenantId, roleId: ulid(), name: 'Legacy', description: '', permissions: [] };
    // Written as before: no nameKey, so only the exact-name guard.
    await transactWrite(
      deps(),
      putNewRole(deps(), { ...legacy, createdAt: now, updatedAt: now, version: 1 }).map((item) => ({ item })),
    );
    const create = (name: string) =>
      invoke(routes.createRole, { identity: owner.identity, params: { tenantId }, body: { name, permissions: [] } });
    expect((await create('LEGACY')).body.code).toBe('role_name_taken');
    const renamed = await invoke(routes.updateRole, {
      identity: owner.identity,
      params: { tenantId, roleId: legacy.roleId },
      body: { name: 'Old guard' },
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await create('\u041Eld guard')).body.code).toBe('role_name_taken');
    expect((await create('Legacy')).status).toBe(201);
    const deleted = await invoke(routes.deleteRole, {
      identity: owner.identity,
      params: { tenantId, roleId: legacy.roleId },
    });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    expect((await create('\u041Eld guard')).status).toBe(201);
  });
});
