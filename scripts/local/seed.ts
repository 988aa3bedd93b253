import { randomBytes } from 'node:crypto';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../../shared/config';
import { getTenant } from '../../shared/data/tenant-repository';
import { PLATFORM_ADMIN_GROUP } from '../../shared/domain/actor';
import { cognitoIdentityDirectory, type IdentityDirectory } from '../../shared/identity/identity-directory';
import { acceptInvitation } from '../../shared/services/invitation-service';
import { defaultServiceDeps } from '../../shared/services/service-deps';
import { createTenant } from '../../shared/services/tenant-service';

export interface SeedInfo {
  tenantId: string;
  owner: { email: string; password: string };
  platformAdmin: { email: string; password: string };
}

const OWNER_EMAIL = 'owner@demo.example.com';
const PLATFORM_ADMIN_EMAIL = 'platform-admin@example.com';

/** A password that satisfies the deployed pool's policy (12+ characters, every character class). */
const newPassword = () => `Demo-${randomBytes(12).toString('base64url')}-7a`;

/** Makes sure the identity exists and signs in with `password`; returns its sub. */
async function ensureIdentity(directory: IdentityDirectory, email: string, password: string): Promise<string> {
  const existing = await directory.findUserId(email);
  if (!existing) return directory.createVerifiedUser(email, password);
  await directory.setPassword(email, password);
  return existing;
}

/**
 * Seeds the local stack with a demo tenant whose Owner is active, and a platform admin; idempotent:
 * with the `previous` seed (from an earlier `.local/stack.json`) whose tenant still exists, it only makes
 * sure both identities sign in with the recorded passwords.
 * The tenant goes through the same services as the API: createTenant, then the owner accepts the invitation.
 */
export async function seedDemoTenant(previous?: SeedInfo): Promise<SeedInfo> {
  const deps = defaultServiceDeps();
  const directory = cognitoIdentityDirectory(new CognitoIdentityProviderClient({}), config().USER_POOL_ID);
  const platformAdmin = { email: PLATFORM_ADMIN_EMAIL, password: previous?.platformAdmin.password ?? newPassword() };
  const owner = { email: OWNER_EMAIL, password: previous?.owner.password ?? newPassword() };

  const platformAdminId = await ensureIdentity(directory, platformAdmin.email, platformAdmin.password);
  await directory.addToGroup(platformAdmin.email, PLATFORM_ADMIN_GROUP);
  const ownerId = await ensureIdentity(directory, owner.email, owner.password);

  if (previous && (await getTenant(deps, previous.tenantId))) {
    return { tenantId: previous.tenantId, owner, platformAdmin };
  }
  const meta = { requestId: `seed-${deps.newId()}` };
  const created = await createTenant(
    deps,
    { userId: platformAdminId, email: platformAdmin.email, groups: [PLATFORM_ADMIN_GROUP] },
    { name: 'Demo Workspace', ownerEmail: owner.email, seatLimit: 25 },
    meta,
  );
  // The owner joins the way every owner does: by accepting the invitation, signed in.
  await acceptInvitation(
    deps,
    directory,
    {
      token: created.ownerToken,
      displayName: 'Demo Owner',
      identity: { userId: ownerId, email: owner.email, groups: [] },
    },
    meta,
  );
  return { tenantId: created.tenant.tenantId, owner, platformAdmin };
}
