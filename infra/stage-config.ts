import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** `-c stage=<name>`: lower case, starts with a letter, 2-21 characters (it ends up in resource names). */
export const STAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,20}$/;

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Steady-state requests per second and burst. */
export interface Throttle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

/** Everything that differs between stages. One object per stack; constructs read, never compute, it. */
export interface StageConfig {
  readonly stage: string;
  /** Production-grade protection: RETAIN, deletion protection, Cognito threat protection, access logs on S3. */
  readonly isProduction: boolean;
  /** Stateful resources (tables, user pool, buckets, queues, log groups). */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB and Cognito deletion protection. */
  readonly deletionProtection: boolean;
  /** Lambda and API access log groups. */
  readonly logRetention: RetentionDays;
  readonly logLevel: LogLevel;
  /** API Gateway default-stage throttling: steady-state requests/second and burst. */
  readonly throttle: Throttle;
  /**
   * Tighter per-route limits for public routes (no token: invitation lookup/accept/decline), which
   * anyone can call and where accept creates Cognito identities.
   */
  readonly publicRouteThrottle: Throttle;
  /**
   * Origins allowed by the CORS preflight (and the export bucket's CORS) besides the console's own. The
   * stack adds the console's CloudFront URL when `appUrl` is not set; with `appUrl` this holds its origin.
   */
  readonly corsAllowedOrigins: readonly string[];
  /**
   * Base URL of the web console where it is not its CloudFront URL (a custom domain); invitation links are
   * `${appUrl}/accept-invite?token=...`. Unset: the stack uses `https://<distribution domain>`.
   */
  readonly appUrl?: string;
  /**
   * ACM certificate (in us-east-1) for the host of `appUrl`: the console's distribution then answers on
   * that host with TLS 1.2 at least. Needs `appUrl`.
   */
  readonly consoleCertificateArn?: string;
  /** CloudFront standard logs and S3 server access logs for the console (into a dedicated log bucket). */
  readonly consoleAccessLogs: boolean;
  /** SES identity the invitation emails are sent from (must be verified in SES for the account/region). */
  readonly senderEmail: string;
  /** Active X-Ray tracing on every function. Off by default: we do not ship the Powertools tracer yet. */
  readonly tracing: boolean;
  /** Cognito Plus feature plan with standard threat protection in full-function mode (extra cost per MAU). */
  readonly cognitoThreatProtection: boolean;
  /** S3 server access logs for the export bucket (into a dedicated log bucket). */
  readonly exportBucketAccessLogs: boolean;
  /** Export CSVs are deleted after this many days (download links live for minutes). */
  readonly exportExpiration: Duration;
  /** Largest accepted request body in bytes (MAX_BODY_BYTES). */
  readonly maxBodyBytes: number;
}

type StageDefaults = Omit<StageConfig, 'stage'>;

const devLike: StageDefaults = {
  isProduction: false,
  removalPolicy: RemovalPolicy.DESTROY,
  deletionProtection: false,
  logRetention: RetentionDays.ONE_WEEK,
  logLevel: 'DEBUG',
  throttle: { rateLimit: 50, burstLimit: 100 },
  publicRouteThrottle: { rateLimit: 10, burstLimit: 20 },
  corsAllowedOrigins: [],
  consoleAccessLogs: false,
  senderEmail: 'no-reply@example.com',
  tracing: false,
  cognitoThreatProtection: false,
  exportBucketAccessLogs: false,
  exportExpiration: Duration.days(7),
  maxBodyBytes: 64 * 1024,
};

const knownStages: Readonly<Record<string, StageDefaults>> = {
  dev: devLike,
  staging: {
    ...devLike,
    logRetention: RetentionDays.ONE_MONTH,
    logLevel: 'INFO',
    throttle: { rateLimit: 100, burstLimit: 200 },
  },
  prod: {
    ...devLike,
    isProduction: true,
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.SIX_MONTHS,
    logLevel: 'INFO',
    throttle: { rateLimit: 500, burstLimit: 1000 },
    publicRouteThrottle: { rateLimit: 20, burstLimit: 40 },
    cognitoThreatProtection: true,
    exportBucketAccessLogs: true,
    consoleAccessLogs: true,
  },
};

/** Context keys that override the stage defaults, e.g. `-c appUrl=https://app.acme.io`. */
export interface StageOverrides {
  readonly appUrl?: string;
  /** Certificate for the host of `appUrl` (a custom domain for the console's distribution). */
  readonly consoleCertificateArn?: string;
  readonly senderEmail?: string;
  /** Comma-separated list of origins. */
  readonly corsOrigins?: string;
  readonly logLevel?: string;
}

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/**
 * The configuration of `stage`: a known stage's settings, or dev-like defaults for any other name
 * (personal or feature stages), with context overrides applied and validated.
 */
export function stageConfig(stage: string, overrides: StageOverrides = {}): StageConfig {
  if (!STAGE_NAME_PATTERN.test(stage)) {
    throw new Error(`Invalid stage "${stage}": use 2-21 characters [a-z0-9-], starting with a letter.`);
  }
  const defaults = knownStages[stage] ?? devLike;
  const appUrl = overrides.appUrl ?? defaults.appUrl;
  const consoleCertificateArn = overrides.consoleCertificateArn ?? defaults.consoleCertificateArn;
  const senderEmail = overrides.senderEmail ?? defaults.senderEmail;
  if (appUrl !== undefined) assertUrl('appUrl', appUrl);
  if (consoleCertificateArn !== undefined) {
    if (appUrl === undefined) throw new Error('consoleCertificateArn needs appUrl (the host it certifies).');
    if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(consoleCertificateArn)) {
      throw new Error(`Invalid consoleCertificateArn "${consoleCertificateArn}": an ACM certificate in us-east-1.`);
    }
  }
  const corsAllowedOrigins = overrides.corsOrigins
    ? overrides.corsOrigins
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0)
    : appUrl !== undefined
      ? [new URL(appUrl).origin]
      : defaults.corsAllowedOrigins;
  const logLevel = (overrides.logLevel?.toUpperCase() ?? defaults.logLevel) as LogLevel;

  for (const origin of corsAllowedOrigins) assertUrl('corsOrigins', origin);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(senderEmail)) {
    throw new Error(`Invalid senderEmail "${senderEmail}".`);
  }
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`Invalid logLevel "${overrides.logLevel}": one of ${LOG_LEVELS.join(', ')}.`);
  }
  return { ...defaults, stage, appUrl, consoleCertificateArn, senderEmail, corsAllowedOrigins, logLevel };
}

function assertUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Invalid ${name} "${value}": not a URL.`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !(local && url.protocol === 'http:')) {
    throw new Error(`Invalid ${name} "${value}": https is required (http only for localhost).`);
  }
}
