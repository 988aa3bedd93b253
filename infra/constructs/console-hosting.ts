import { existsSync } from 'node:fs';
import path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  type ResponseSecurityHeadersBehavior,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy, consoleSecurityHeaders } from '../../shared/console/security-headers';
import { acknowledge, iam5ResourceFinding } from '../nag';
import { fromRepoRoot } from '../paths';
import type { StageConfig } from '../stage-config';
import { privateBucketDefaults } from './audit';

/**
 * What the console reads from `/config.json` (console/src/config.ts; the local stack writes the same
 * shape in scripts/local/console-server.ts). Values may be tokens: the file is rendered at deploy.
 */
export interface ConsoleRuntimeConfig {
  /** The API's base URL, without `/v1`. */
  readonly apiUrl: string;
  readonly region: string;
  readonly cognito: { readonly endpoint: string; readonly userPoolId: string; readonly clientId: string };
}

export interface ConsoleHostingProps {
  readonly config: StageConfig;
  /** Written into the bucket as `config.json` at every deployment. */
  readonly runtimeConfig: ConsoleRuntimeConfig;
  /**
   * Directory of the built console (index.html + hashed assets/).
   * @default console/dist (built by scripts/console/build.ts; `buildApp` builds it before synth)
   */
  readonly distDir?: string;
  /**
   * Origins besides its own the console may `fetch` (CSP connect-src).
   * @default `consoleConnectSources(stack)`: API Gateway and Cognito in the stack's region
   */
  readonly connectSrc?: readonly string[];
}

/**
 * Rewrites every path whose last segment has no extension (`/`, `/users`, `/accept-invite`) to
 * `/index.html`, so deep links open the SPA; `/assets/x.js` and `/config.json` pass through.
 *
 * Chosen over `errorResponses` (403/404 -> /index.html with 200): those turn every missing object into
 * a 200 HTML page, so a missing chunk or a stale `/assets/…js` would be answered with HTML (a confusing
 * MIME error instead of a 404), and with OAC S3 answers 403 for any missing key, which would be masked
 * too. This is also exactly what the local console server does (scripts/local/console-server.ts).
 * Plain ES5.1 as cloudfront-js-2.0 runs it; exported so the infra tests execute it.
 */
export const SPA_REWRITE_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}`;

/** Long-lived caching for content-hashed files; revalidation for the entry points. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
export const ENTRY_CACHE_CONTROL = 'no-cache';

/**
 * The console's CSP connect-src: the API and the Cognito endpoint of the stack's region.
 *
 * The API origin is a wildcard over API Gateway hosts of the region, not the API's own
 * `https://<apiId>.execute-api…` origin: the API's CORS allow-list holds the distribution's domain
 * (the console's origin), so a CSP naming the API id would make the distribution depend on the API and
 * the API on the distribution, a circular dependency CloudFormation rejects. Script injection stays
 * closed by `script-src 'self'`; connect-src only narrows where injected code could send data.
 */
export function consoleConnectSources(scope: Construct): string[] {
  const { region, urlSuffix } = Stack.of(scope);
  return [`https://*.execute-api.${region}.${urlSuffix}`, cognitoEndpoint(scope)];
}

/** The Cognito user pools API of the stack's region (the console calls it with fetch). */
export function cognitoEndpoint(scope: Construct): string {
  const { region, urlSuffix } = Stack.of(scope);
  return `https://cognito-idp.${region}.${urlSuffix}`;
}

/**
 * CloudFront's form of `consoleSecurityHeaders` (shared with the local console server): parsed from the
 * shared values rather than restated, and refusing a value CloudFront's policy cannot express.
 */
export function cloudFrontSecurityHeaders(contentSecurityPolicy: string): ResponseSecurityHeadersBehavior {
  const hsts = consoleSecurityHeaders['strict-transport-security'];
  const maxAge = /(?:^|;)\s*max-age=(\d+)/i.exec(hsts)?.[1];
  const directives = hsts.split(';').map((d) => d.trim().toLowerCase());
  const frameOption = consoleSecurityHeaders['x-frame-options'] as string;
  const referrerPolicy = consoleSecurityHeaders['referrer-policy'] as string;
  if (maxAge === undefined) throw new Error(`strict-transport-security has no max-age: ${hsts}`);
  if ((consoleSecurityHeaders['x-content-type-options'] as string) !== 'nosniff') {
    throw new Error('CloudFront can only send x-content-type-options: nosniff');
  }
  if (!Object.values(HeadersFrameOption).includes(frameOption as HeadersFrameOption)) {
    throw new Error(`x-frame-options ${frameOption} is not a CloudFront frame option`);
  }
  if (!Object.values(HeadersReferrerPolicy).includes(referrerPolicy as HeadersReferrerPolicy)) {
    throw new Error(`referrer-policy ${referrerPolicy} is not a CloudFront referrer policy`);
  }
  return {
    contentSecurityPolicy: { contentSecurityPolicy, override: true },
    strictTransportSecurity: {
      accessControlMaxAge: Duration.seconds(Number(maxAge)),
      includeSubdomains: directives.includes('includesubdomains'),
      preload: directives.includes('preload'),
      override: true,
    },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: frameOption as HeadersFrameOption, override: true },
    referrerPolicy: { referrerPolicy: referrerPolicy as HeadersReferrerPolicy, override: true },
  };
}

/**
 * The web console (SPEC §11): a private S3 bucket served only through a CloudFront distribution with
 * origin access control (HTTPS only, the console's security headers on every response, deep links
 * rewritten to index.html), filled at deploy with console/dist and a `config.json` naming the API and the
 * user pool. Invalidates the entry points on every deployment; hashed assets are immutable.
 *
 * With `config.appUrl` and `config.consoleCertificateArn` the distribution answers on that host with
 * TLS 1.2 at least; otherwise on its `*.cloudfront.net` domain (`url`).
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  /** CloudFront standard logs and the bucket's server access logs, when the stage enables them. */
  readonly accessLogBucket?: Bucket;
  readonly distribution: Distribution;
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  readonly spaRewrite: CloudFrontFunction;
  /** Hashed assets (assets/), immutable. */
  readonly assetsDeployment: BucketDeployment;
  /** index.html and config.json, no-cache; invalidated on deploy. */
  readonly entryDeployment: BucketDeployment;
  /** Role of the deployments' handler (a CDK-provided singleton function). */
  readonly deploymentRole: Role;
  /** The Content-Security-Policy the distribution sends. */
  readonly contentSecurityPolicy: string;
  /** `https://<distribution domain>`: the console's URL unless the stage sets `appUrl`. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const { config } = props;
    const distDir = props.distDir ?? fromRepoRoot('console/dist');
    if (!existsSync(path.join(distDir, 'index.html'))) {
      throw new Error(`${distDir}/index.html is missing: build the console first (npm run console:build).`);
    }

    if (config.consoleAccessLogs) {
      // CloudFront standard logs are written with ACLs: this bucket cannot be BUCKET_OWNER_ENFORCED.
      this.accessLogBucket = new Bucket(this, 'AccessLogs', {
        ...privateBucketDefaults,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
        lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
        removalPolicy: config.removalPolicy,
      });
      // cdk-nag S1 recognises a bucket that is another bucket's access log target: nothing to acknowledge.
    }

    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucketDefaults,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: this.accessLogBucket ? 'console-bucket/' : undefined,
      removalPolicy: config.removalPolicy,
    });

    this.contentSecurityPolicy = consoleContentSecurityPolicy({
      connectSrc: props.connectSrc ?? consoleConnectSources(this),
    });
    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Users & Roles console security headers (${config.stage})`,
      securityHeadersBehavior: cloudFrontSecurityHeaders(this.contentSecurityPolicy),
    });

    this.spaRewrite = new CloudFrontFunction(this, 'SpaRewrite', {
      comment: 'Extension-less paths (SPA routes) -> /index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(SPA_REWRITE_FUNCTION_CODE),
    });

    const customDomain =
      config.appUrl !== undefined && config.consoleCertificateArn !== undefined
        ? {
            domainNames: [new URL(config.appUrl).hostname],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', config.consoleCertificateArn),
            // Only with a certificate of our own: the default one's policy is fixed at TLSv1 (cdk-nag CFR4).
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {};

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Users & Roles console (${config.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        compress: true,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [{ function: this.spaRewrite, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      ...customDomain,
      enableLogging: this.accessLogBucket !== undefined,
      logBucket: this.accessLogBucket,
      logFilePrefix: this.accessLogBucket ? 'cloudfront/' : undefined,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    // The deployments' (singleton) handler: one log group with the stage's retention, and our own role
    // that may write only there (the role CDK would create carries AWSLambdaBasicExecutionRole).
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.deploymentRole = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Copies the console build into its bucket (${config.stage})`,
    });
    deploymentLogs.grantWrite(this.deploymentRole);
    // Objects go with the bucket where the stage destroys it (otherwise a non-empty bucket blocks the
    // delete); kept wherever the bucket is retained. (Replacing a deployment, e.g. a new destination
    // prefix, also deletes its old objects when not retained: keep prefixes stable.)
    const retainOnDelete = config.removalPolicy !== RemovalPolicy.DESTROY;

    // Old hashed assets are kept (no prune): a tab still running the previous release may lazy-load them.
    this.assetsDeployment = new BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      destinationKeyPrefix: 'assets/',
      sources: [Source.asset(path.join(distDir, 'assets'))],
      cacheControl: [CacheControl.fromString(ASSET_CACHE_CONTROL)],
      prune: false,
      retainOnDelete,
      memoryLimit: 512,
      logGroup: deploymentLogs,
      role: this.deploymentRole,
    });
    this.entryDeployment = new BucketDeployment(this, 'DeployEntry', {
      destinationBucket: this.bucket,
      sources: [
        Source.asset(distDir, { exclude: ['assets', 'assets/**', '.source-hash'] }),
        Source.jsonData('config.json', props.runtimeConfig),
      ],
      cacheControl: [CacheControl.fromString(ENTRY_CACHE_CONTROL)],
      prune: false,
      retainOnDelete,
      memoryLimit: 512,
      logGroup: deploymentLogs,
      role: this.deploymentRole,
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
    });
    // The new index.html may only appear once the assets it references are there.
    this.entryDeployment.node.addDependency(this.assetsDeployment);

    this.acknowledgeFindings(config);
  }

  private acknowledgeFindings(config: StageConfig): void {
    const { distribution } = this;
    // What BucketDeployment grants its handler (aws-s3-deployment writes these statements, not us).
    const deploymentGrants: Record<string, string> = {
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': 'read of the CDK asset bucket holding the console build',
      'AwsSolutions-IAM5[Action::s3:GetObject*]': 'read of the build in the CDK asset bucket and of the console bucket',
      'AwsSolutions-IAM5[Action::s3:List*]': 'listing of the console bucket (sync) and of the asset bucket',
      'AwsSolutions-IAM5[Action::s3:Abort*]': 'aborting its own multipart uploads into the console bucket',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]':
        'removing the console objects on stack deletion (retainOnDelete false)',
      [iam5ResourceFinding(this, `${this.bucket.bucketArn}/*`)]:
        'any object of the console bucket, which holds nothing else',
      [iam5ResourceFinding(this, `${assetBucketArn(this.assetsDeployment)}/*`)]:
        'the CDK bootstrap asset bucket, where the zipped build is uploaded under a content hash',
      'AwsSolutions-IAM5[Resource::*]':
        'cloudfront:CreateInvalidation/GetInvalidation, which BucketDeployment grants on * (invalidating index.html and config.json)',
    };
    for (const [id, what] of Object.entries(deploymentGrants)) {
      acknowledge(this.deploymentRole, id, `Granted by aws-s3-deployment's BucketDeployment to its handler: ${what}.`);
    }
    const deploymentHandler = Stack.of(this).node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (deploymentHandler) {
      acknowledge(
        deploymentHandler,
        'AwsSolutions-L1',
        'The BucketDeployment handler (Python) and its runtime are provided and pinned by aws-cdk-lib; it moves with CDK upgrades.',
      );
    }
    acknowledge(
      distribution,
      'AwsSolutions-CFR1',
      'No geo restriction: tenants and their invitees are anywhere; the console holds only static files and ' +
        'every datum comes from the authenticated API.',
    );
    acknowledge(
      distribution,
      'AwsSolutions-CFR2',
      'No WAF on the console: it serves static, public build output (no server-side logic, no data); a ' +
        'CLOUDFRONT-scoped web ACL must live in us-east-1 (a separate stack) and costs per rule. The API has its own throttling.',
    );
    if (!config.consoleCertificateArn) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR4',
        'Served on the default *.cloudfront.net certificate, whose minimum protocol CloudFront fixes at TLSv1; ' +
          'setting appUrl + consoleCertificateArn (a custom domain) applies TLSv1.2_2021. HSTS keeps browsers on HTTPS.',
      );
    }
    if (!this.accessLogBucket) {
      acknowledge(
        distribution,
        'AwsSolutions-CFR3',
        `Stage "${config.stage}" serves only the public console build; no access log bucket is kept outside ` +
          'production (consoleAccessLogs), where CloudFront standard logs are on.',
      );
      acknowledge(
        this.bucket,
        'AwsSolutions-S1',
        `Stage "${config.stage}": the bucket is read only by CloudFront (OAC) and written only by the deployment; ` +
          'no server access logs outside production (consoleAccessLogs).',
      );
    }
  }
}

/** The CDK asset bucket the build is uploaded to, as the deployments' sources name it. */
function assetBucketArn(deployment: BucketDeployment): string {
  const asset = deployment.node.findAll().find((child): child is Asset => child instanceof Asset);
  if (!asset) throw new Error(`${deployment.node.path} has no file asset`);
  return asset.bucket.bucketArn;
}
