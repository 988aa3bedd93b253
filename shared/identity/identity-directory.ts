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
  /** The `sub` of the identity signing in with this email, if any. */
  findUserId(email: string): Promise<string | undefined>;
  setPassword(email: string, password: string): Promise<void>;
  addToGroup(email: string, group: string): Promise<void>;
  /** Revokes every refresh token of the identity (its access tokens lapse within their validity). */
  signOutEverywhere(email: string): Promise<void>;
}

export class IdentityAlreadyExists extends Error {}

let defaultDirectory: IdentityDirectory | undefined;

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

    async findUserId(email) {
      try {
        const user = await client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: email }));
        return user.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
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
