import { ulid } from 'ulidx';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/http/routes';
import { memberIn, tenantWithOwner } from '../support/fixtures';
import { invoke } from '../support/invoke';
import { expectProblem } from '../support/route-samples';

/**
 * The HTTP contract where it is easy to get subtly wrong, against DynamoDB Local: errors name the part of
 * the request they are about.
 */
describe('error paths name the offending input', () => {
  it('DELETE /roles/{id}?reassignTo=<unknown role> points at query.reassignTo, not at the body', async () => {
    const { tenantId, owner } = await tenantWithOwner(10);
    const created = await invoke(routes.createRole, {
      identity: owner.identity,
      params: { tenantId },
      body: { name: `Doomed ${ulid()}`, copyFrom: 'viewer' },
    });
    expect(created.status).toBe(201);
    const roleId = created.body.roleId as string;
    await memberIn(tenantId, { roles: [{ roleId }] });
    const unknown = ulid();
    const result = await invoke(routes.deleteRole, {
      identity: owner.identity,
      params: { tenantId, roleId },
      query: { reassignTo: unknown },
    });
    expectProblem(result, [400], 'unknown reassignTo');
    expect(result.body.code).toBe('unknown_role');
    expect(result.body.errors).toEqual([{ path: 'query.reassignTo', message: `unknown role ${unknown}` }]);
  });
});
