import { randomBytes } from 'node:crypto';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { config } from '../config';

/**
 * The Cognito user pool, behind the few operations the service needs. Services take an
 * `IdentityDirectory` so that unit tests can inject failures and the local emulator's gaps stay here.
 */
export interface IdentityDirectory {
  /** Creates a sign-in-ready identity with a verified email; returns its `sub`. Fails if the email exists. */
  createVerifiedUser(email: string, password: string, displayName?: string): Promise<string>;
  /**
   * An identity for `email` that nobody can sign in with yet (verified email; its only password is a random
   * temporary one that is thrown away), for an acceptance to give a password once it has won its invitation.
   * Returns its `sub`. An identity that exists but never got a password of its own (Cognito's
   * FORCE_CHANGE_PASSWORD: left by an acceptance that lost its race or crashed) is returned as it is: only
   * the holder of a live invitation to that address gets here, as able to prove the address as a password
   * reset would be. Throws IdentityAlreadyExists for an identity someone can sign in with.
   */
  reserveIdentity(email: string, displayName?: string): Promise<string>;
  /** The `sub` of the identity signing in with this email, if any. */
  findUserId(email: string): Promise<string | undefined>;
  setPassword(email: string, password: string): Promise<void>;
  addToGroup(email: string, group: string): Promise<void>;
  /** Revokes every refresh token of the identity (its access tokens lapse within their validity). */
  signOutEverywhere(email: string): Promise<void>;
}

export class IdentityAlreadyExists extends Error {}

let defaultDirectory: IdentityDirectory | undefined;

/**
 * A temporary password nobody will ever know: 32 random bytes, plus one character of each class the pool's
 * policy requires. Never stored, sent or logged.
 */
const unknowablePassword = () => `${randomBytes(32).toString('base64url')}aA1!`;

const subOf = (attributes: readonly { Name?: string; Value?: string }[] | undefined) =>
  attributes?.find((attribute) => attribute.Name === 'sub')?.Value;

/** The configured user pool, with a module-scope client (created on first use). */
export function identityDirectory(): IdentityDirectory {
  defaultDirectory ??= cognitoIdentityDirectory(new CognitoIdentityProviderClient({}), config().USER_POOL_ID);
  return defaultDirectory;
}

export function cognitoIdentityDirectory(client: CognitoIdentityProviderClient, userPoolId: string): IdentityDirectory {
  return {
    async createVerifiedUser(email, password, displayName) {
      try {
        await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            MessageAction: 'SUPPRESS',
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              ...(displayName ? [{ Name: 'name', Value: displayName }] : []),
            ],
          }),
        );
      } catch (error) {
        if (error instanceof UsernameExistsException) throw new IdentityAlreadyExists(email);
        throw error;
      }
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: email,
          Password: password,
          Permanent: true,
        }),
      );
      const userId = await this.findUserId(email);
      if (!userId) throw new Error('identity vanished right after creation');
      return userId;
    },

    async reserveIdentity(email, displayName) {
      try {
        const created = await client.send(
          new AdminCreateUserCommand({
            UserPoolId: userPoolId,
            Username: email,
            MessageAction: 'SUPPRESS',
            TemporaryPassword: unknowablePassword(),
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'email_verified', Value: 'true' },
              ...(displayName ? [{ Name: 'name', Value: displayName }] : []),
            ],
          }),
        );
        const sub = subOf(created.User?.Attributes);
        if (sub) return sub;
      } catch (error) {
        if (!(error instanceof UsernameExistsException)) throw error;
      }
      const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
      const sub = subOf(user.UserAttributes);
      if (user.UserStatus !== 'FORCE_CHANGE_PASSWORD' || !sub) throw new IdentityAlreadyExists(email);
      return sub;
    },

    async findUserId(email) {
      try {
        const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
        return subOf(user.UserAttributes);
      } catch (error) {
        if ((error as Error).name === 'UserNotFoundException') return undefined;
        throw error;
      }
    },

    async setPassword(email, password) {
      await client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: userPoolId,
          Username: email,
          Password: password,
          Permanent: true,
        }),
      );
    },

    async addToGroup(email, group) {
      await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
    },

    async signOutEverywhere(email) {
      await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: email }));
    },
  };
}
