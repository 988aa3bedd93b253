import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { cognitoIdentityDirectory, IdentityAlreadyExists } from '../../shared/identity/identity-directory';

/** The Cognito adapter's calls, with the SDK mocked: the AWS-only ones cannot be exercised locally. */
const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

describe('Cognito identity directory', () => {
  const directory = cognitoIdentityDirectory(new CognitoIdentityProviderClient({ region: 'us-east-1' }), 'pool-1');

  it('revokes sessions with AdminUserGlobalSignOut on the configured pool', async () => {
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await directory.signOutEverywhere('a@example.com');
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'pool-1',
      Username: 'a@example.com',
    });
  });

  it('creates a verified, sign-in-ready identity without sending Cognito’s own invitation', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    cognito
      .on(AdminGetUserCommand)
      .resolves({ Username: 'a@example.com', UserAttributes: [{ Name: 'sub', Value: 'sub-1' }] });
    expect(await directory.createVerifiedUser('a@example.com', 'Pw-123456789!', 'Ada')).toBe('sub-1');
    const created = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(created.MessageAction).toBe('SUPPRESS');
    expect(created.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email_verified', Value: 'true' }]));
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)[0]!.args[0].input.Permanent).toBe(true);
  });

  it('reports an existing identity as IdentityAlreadyExists', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    await expect(directory.createVerifiedUser('a@example.com', 'Pw-123456789!')).rejects.toBeInstanceOf(
      IdentityAlreadyExists,
    );
  });
});

describe('reserving an identity for an acceptance (no password anyone knows until the invitation is won)', () => {
  const directory = cognitoIdentityDirectory(new CognitoIdentityProviderClient({ region: 'us-east-1' }), 'pool-1');

  it('creates it with a verified email and a random temporary password, sets no password of its own', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .resolves({ User: { Username: 'a@example.com', Attributes: [{ Name: 'sub', Value: 'sub-1' }] } });
    expect(await directory.reserveIdentity('a@example.com', 'Ada')).toBe('sub-1');
    const created = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(created.MessageAction).toBe('SUPPRESS');
    expect(created.TemporaryPassword).toMatch(/^[\w-]{43}aA1!$/);
    expect(created.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'email_verified', Value: 'true' }]));
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)).toHaveLength(0);
    cognito.reset();
    cognito.on(AdminCreateUserCommand).resolves({ User: { Attributes: [{ Name: 'sub', Value: 'sub-2' }] } });
    await directory.reserveIdentity('a@example.com');
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input.TemporaryPassword).not.toBe(
      created.TemporaryPassword,
    );
  });

  it('adopts an identity that never got a password of its own (left by a lost race or a crash)', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'a@example.com',
      UserStatus: 'FORCE_CHANGE_PASSWORD',
      UserAttributes: [{ Name: 'sub', Value: 'sub-left' }],
    });
    expect(await directory.reserveIdentity('a@example.com')).toBe('sub-left');
  });

  it('refuses an identity someone can sign in with as IdentityAlreadyExists', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'a@example.com',
      UserStatus: 'CONFIRMED',
      UserAttributes: [{ Name: 'sub', Value: 'sub-1' }],
    });
    await expect(directory.reserveIdentity('a@example.com')).rejects.toBeInstanceOf(IdentityAlreadyExists);
  });
});
