import { Duration } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { PLATFORM_ADMIN_GROUP } from '../../shared/domain/actor';
import { acknowledge } from '../nag';
import type { StageConfig } from '../stage-config';

export interface IdentityProps {
  readonly config: StageConfig;
}

/**
 * Identities: a Cognito user pool where people sign in with their email. Nobody signs up on their
 * own: identities are created when an invitation is accepted (AdminCreateUser), and the platform
 * team adds platform admins to the `platform-admin` group by hand.
 */
export class Identity extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: IdentityProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: `users-and-roles-${config.stage}`,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      selfSignUpEnabled: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
        passwordHistorySize: 5,
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: config.cognitoThreatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: config.cognitoThreatProtection
        ? StandardThreatProtectionMode.FULL_FUNCTION
        : undefined,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
    });

    this.userPool.addGroup('PlatformAdminGroup', {
      groupName: PLATFORM_ADMIN_GROUP,
      description: 'Platform team: may create tenants and change seat limits.',
    });

    // A public client (browser / CLI): no secret, no hosted UI / OAuth flows.
    this.userPoolClient = this.userPool.addClient('AppClient', {
      userPoolClientName: `users-and-roles-${config.stage}`,
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      authSessionValidity: Duration.minutes(3),
    });

    acknowledge(
      this.userPool,
      'AwsSolutions-COG2',
      'MFA is OPTIONAL (TOTP only, no SMS): identities are created by accepting an invitation with a password, ' +
        'and members enroll a TOTP factor afterwards; requiring MFA at creation would block the invitation flow.',
    );
    if (!config.cognitoThreatProtection) {
      acknowledge(
        this.userPool,
        'AwsSolutions-COG8',
        `Non-production stage "${config.stage}" uses the Essentials plan to avoid the Plus per-MAU cost; ` +
          'prod runs Plus with standard threat protection ENFORCED.',
      );
    }
  }
}
