import * as z from 'zod';

/**
 * Runtime configuration, read from the environment once per cold start and validated with zod.
 * In AWS the constructs set these variables; locally scripts/local/stack.ts sets them for the
 * in-process handlers. Nothing else reads process.env for configuration.
 */
const configSchema = z.object({
  STAGE: z.string().min(1).default('local'),
  TABLE_NAME: z.string().min(1),
  AUDIT_TABLE_NAME: z.string().min(1),
  USER_POOL_ID: z.string().min(1),
  USER_POOL_CLIENT_ID: z.string().min(1),
  /** Issuer of the pool's JWTs; derived from region and pool id in AWS, the emulator's URL locally. */
  TOKEN_ISSUER: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  EXPORT_BUCKET: z.string().min(1).optional(),
  APP_URL: z.url().default('http://localhost:3000'),
  SENDER_EMAIL: z.email().default('no-reply@example.com'),
  /** Largest accepted request body, in bytes (413 above). */
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(64 * 1024),
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
