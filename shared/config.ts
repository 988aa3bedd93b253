import * as z from 'zod/mini';
import './zod-locale';

/**
 * Runtime configuration, read from the environment once per cold start and validated with zod.
 * In AWS the constructs set these variables; locally scripts/local/stack.ts sets them for the
 * in-process handlers. Nothing else reads process.env for configuration.
 */
const nonEmpty = () => z.string().check(z.minLength(1));

const configSchema = z.object({
  STAGE: z._default(nonEmpty(), 'local'),
  TABLE_NAME: nonEmpty(),
  AUDIT_TABLE_NAME: nonEmpty(),
  USER_POOL_ID: nonEmpty(),
  USER_POOL_CLIENT_ID: nonEmpty(),
  /** Issuer of the pool's JWTs; derived from region and pool id in AWS, the emulator's URL locally. */
  TOKEN_ISSUER: z.optional(z.url()),
  AWS_REGION: z._default(nonEmpty(), 'us-east-1'),
  EXPORT_BUCKET: z.optional(nonEmpty()),
  APP_URL: z._default(z.url(), 'http://localhost:3000'),
  SENDER_EMAIL: z._default(z.email(), 'no-reply@example.com'),
  /** Largest accepted request body, in bytes (413 above). */
  MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.positive()), 64 * 1024),
});

export type Config = z.infer<typeof configSchema>;

/** The issuer API Gateway's JWT authorizer is configured with; functions that verify tokens use the same. */
export function tokenIssuer(): string {
  const { TOKEN_ISSUER, AWS_REGION, USER_POOL_ID } = config();
  return TOKEN_ISSUER ?? `https://cognito-idp.${AWS_REGION}.amazonaws.com/${USER_POOL_ID}`;
}

let cached: Config | undefined;

/** The validated configuration; throws at the first call if the environment is incomplete. */
export function config(): Config {
  cached ??= configSchema.parse(process.env);
  return cached;
}

/** For tests and the local stack, which set the environment after modules were loaded. */
export function resetConfigForTests(): void {
  cached = undefined;
}
