import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { keys } from '../../shared/data/keys';
import { memberItem } from '../../shared/data/member-repository';
import { invitationItem } from '../../shared/data/invitation-repository';
import type { MemberRecord } from '../../shared/data/records';
import { roleItem } from '../../shared/data/role-repository';
import { tenantItem } from '../../shared/data/tenant-repository';
import { hashToken } from '../../shared/security/invitation-token';
import type { World } from './route-samples';

/**
 * For unit tests (no emulator): the DynamoDB document client mocked with aws-sdk-client-mock, reads
 * answered from a world's items held in memory (GetItem, BatchGetItem, base-table Query by partition and
 * sort-key prefix), writes accepted and forgotten. Enough for every route to get past authorization and
 * into its service with realistic records; the emulator suites test what DynamoDB itself decides.
 */
export function worldItems(world: World): Record<string, unknown>[] {
  const now = new Date().toISOString();
  const later = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
  const member = (person: World['owner'], status: MemberRecord['status'], roles: MemberRecord['roles']): MemberRecord => ({
    ...person.member,
    tenantId: world.tenantId,
    status,
    roles,
    userId: person.identity.userId,
    joinedAt: now,
  });
  const people: [World['owner'], MemberRecord][] = [
    [world.owner, member(world.owner, 'active', [{ roleId: 'owner' }])],
    [world.admin, member(world.admin, 'active', [{ roleId: 'admin' }])],
    [world.member, member(world.member, 'active', [{ roleId: 'viewer' }, { roleId: world.customRole.roleId }])],
    [world.suspended, member(world.suspended, 'suspended', [{ roleId: 'viewer' }])],
  ];
  const items: Record<string, unknown>[] = [
    tenantItem({ tenantId: world.tenantId, name: world.tenantName, seatLimit: 100, seatsUsed: 6, createdAt: now, updatedAt: now, version: 1 }),
    roleItem({
      tenantId: world.tenantId,
      roleId: world.customRole.roleId,
      name: world.customRole.name,
      description: '',
      permissions: ['inbox:read', 'users:read'],
      createdAt: now,
      updatedAt: now,
      version: 1,
    }),
    {
      ...keys.auditExport(world.tenantId, world.exportId),
      entity: 'auditExport',
      tenantId: world.tenantId,
      exportId: world.exportId,
      status: 'pending',
      filter: {},
      requestedBy: { id: world.owner.identity.userId },
      createdAt: now,
      attempts: 0,
      version: 1,
    },
  ];
  for (const [person, record] of people) {
    items.push(memberItem(record));
    items.push({ ...keys.principalLink(person.identity.userId, world.tenantId), entity: 'principalLink', userId: person.identity.userId, tenantId: world.tenantId, memberId: record.memberId });
  }
  for (const invitation of world.invitations) {
    const tokenHash = hashToken(invitation.token);
    items.push(
      memberItem({ tenantId: world.tenantId, memberId: invitation.memberId, email: invitation.email, displayName: null, status: 'invited', roles: [{ roleId: 'viewer' }], permissions: [], invitedAt: now, version: 1 }),
      invitationItem({
        invitationId: invitation.invitationId,
        tenantId: world.tenantId,
        memberId: invitation.memberId,
        email: invitation.email,
        roles: [{ roleId: 'viewer' }],
        invitedBy: { id: world.owner.identity.userId, email: world.owner.member.email },
        validDays: 7,
        expiresAt: later,
        createdAt: now,
        tokenHash,
        version: 1,
      }),
      { ...keys.invitationToken(tokenHash), entity: 'invitationToken', tenantId: world.tenantId, invitationId: invitation.invitationId },
    );
  }
  return items;
}

const keyOf = (key: Record<string, unknown> | undefined) => `${String(key?.PK)}\u0000${String(key?.SK)}`;

export type DocumentClientMock = AwsClientStub<DynamoDBDocumentClient>;

/** Mocks every DynamoDBDocumentClient to serve `items`; returns the mock (call `restore()` when done). */
export function serveItems(items: readonly Record<string, unknown>[], mock: DocumentClientMock = mockClient(DynamoDBDocumentClient)): DocumentClientMock {
  const store = new Map(items.map((item) => [keyOf(item), item]));
  const copy = <T>(value: T): T => structuredClone(value);
  mock.on(GetCommand).callsFake((input: { Key: Record<string, unknown> }) => ({ Item: copy(store.get(keyOf(input.Key))) }));
  mock.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: Record<string, unknown>[] }> }) => ({
    Responses: Object.fromEntries(
      Object.entries(input.RequestItems).map(([table, request]) => [table, request.Keys.map((key) => copy(store.get(keyOf(key)))).filter(Boolean)]),
    ),
  }));
  mock.on(QueryCommand).callsFake((input: { IndexName?: string; Limit?: number; ExpressionAttributeValues?: Record<string, unknown> }) => {
    const values = input.ExpressionAttributeValues ?? {};
    if (input.IndexName || typeof values[':pk'] !== 'string') return { Items: [], Count: 0, ScannedCount: 0 };
    const prefix = typeof values[':prefix'] === 'string' ? (values[':prefix'] as string) : '';
    const found = [...store.values()]
      .filter((item) => item.PK === values[':pk'] && String(item.SK).startsWith(prefix))
      .sort((a, b) => (String(a.SK) < String(b.SK) ? -1 : 1))
      .slice(0, input.Limit ?? 1000);
    return { Items: copy(found), Count: found.length, ScannedCount: found.length };
  });
  for (const command of [TransactWriteCommand, PutCommand, UpdateCommand, DeleteCommand]) mock.on(command as never).resolves({});
  return mock;
}
