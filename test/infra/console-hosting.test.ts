import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ASSET_CACHE_CONTROL,
  ENTRY_CACHE_CONTROL,
  SPA_REWRITE_FUNCTION_CODE,
} from '../../infra/constructs/console-hosting';
import { consoleSecurityHeaders } from '../../shared/console/security-headers';
import { acknowledgements, allNagFindings, logicalId, nagViolations, type Synthesized, synthStage } from './synth';

/**
 * The web console's hosting (SPEC §11): private bucket behind CloudFront with OAC, the shared security
 * headers, deep links, the deployed build and config.json, and the console URL as APP_URL and CORS origin.
 */
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
type Resources = Record<string, Resource>;

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
let dev: Synthesized;
let prod: Synthesized;
let custom: Synthesized;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
  custom = synthStage('staging', { appUrl: 'https://console.acme.io', consoleCertificateArn: CERTIFICATE });
}, 480_000);

const resourcesOf = (synth: Synthesized) => synth.template.toJSON().Resources as Resources;
const ofType = (synth: Synthesized, type: string) =>
  Object.entries(resourcesOf(synth)).filter(([, r]) => r.Type === type) as [string, Resource][];
const single = (synth: Synthesized, type: string): [string, Resource] => {
  const found = ofType(synth, type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
/** `https://<DomainName of the distribution>` as CloudFormation renders it. */
const distributionUrl = (synth: Synthesized) => ({
  'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(synth.stack.console.distribution), 'DomainName'] }]],
});
/** A string with tokens, rendered readable: `<Ref>` / `<Id.Attr>` for the intrinsic parts. */
function render(node: unknown): string {
  if (typeof node === 'string') return node;
  const obj = node as Record<string, any>;
  if (obj['Fn::Join']) return (obj['Fn::Join'][1] as unknown[]).map(render).join(obj['Fn::Join'][0]);
  if (obj['Fn::GetAtt']) return `<${obj['Fn::GetAtt'][0]}.${obj['Fn::GetAtt'][1]}>`;
  if (obj.Ref) return `<${obj.Ref}>`;
  return JSON.stringify(node);
}

describe('bucket and distribution', () => {
  it('the bucket is private, encrypted, TLS-only, and only this distribution’s CloudFront principal may read it', () => {
    for (const synth of [dev, prod]) {
      const bucketId = logicalId(synth.stack.console.bucket);
      const bucket = resourcesOf(synth)[bucketId]!;
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(
        bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
      ).toEqual({ SSEAlgorithm: 'AES256' });
      expect(bucket.DeletionPolicy).toBe(synth === prod ? 'Retain' : 'Delete');

      const policies = ofType(synth, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties.Bucket.Ref === bucketId);
      expect(policies).toHaveLength(1);
      const statements = policies[0]![1].Properties.PolicyDocument.Statement as Record<string, any>[];
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      const allows = statements.filter((s) => s.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]!.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(allows[0]!.Action).toBe('s3:GetObject');
      expect(render(allows[0]!.Condition.StringEquals['AWS:SourceArn'])).toBe(
        `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${logicalId(synth.stack.console.distribution)}>`,
      );
    }
  });

  it('CloudFront reads the bucket through origin access control (SigV4), not an OAI', () => {
    const [oacId, oac] = single(dev, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [, distribution] = single(dev, 'AWS::CloudFront::Distribution');
    const origins = distribution.Properties.DistributionConfig.Origins as Record<string, any>[];
    expect(origins).toHaveLength(1);
    expect(origins[0]!.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origins[0]!.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(ofType(dev, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
  });

  it('redirects HTTP to HTTPS, serves index.html at /, GET/HEAD only, and rewrites deep links with its function', () => {
    const [, distribution] = single(dev, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    expect(config.DefaultRootObject).toBe('index.html');
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({
      Ref: logicalId(dev.stack.console.responseHeadersPolicy),
    });
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      {
        EventType: 'viewer-request',
        FunctionARN: { 'Fn::GetAtt': [logicalId(dev.stack.console.spaRewrite), 'FunctionARN'] },
      },
    ]);
    // The fallback is the function, not error responses that would answer a missing asset with index.html.
    expect(config.CustomErrorResponses).toBeUndefined();
    const [, fn] = single(dev, 'AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    expect(fn.Properties.FunctionCode).toBe(SPA_REWRITE_FUNCTION_CODE);
  });

  it('the SPA function sends extension-less paths to /index.html and leaves files alone', () => {
    const handler = new Function(`${SPA_REWRITE_FUNCTION_CODE}; return handler;`)() as (event: {
      request: { uri: string };
    }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;
    for (const uri of ['/', '/users', '/accept-invite', '/tenants/01JD2Q3V4W5X6Y7Z8A9B0C1D2E/roles/viewer']) {
      expect(rewrite(uri), uri).toBe('/index.html');
    }
    for (const uri of ['/index.html', '/config.json', '/assets/index-CR2TDUYQ.js', '/assets/missing-chunk.js']) {
      expect(rewrite(uri), uri).toBe(uri);
    }
  });

  it('logs access (CloudFront standard logs, S3 server access logs) in prod only', () => {
    const prodConfig = single(prod, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    const logBucket = logicalId(prod.stack.console.accessLogBucket!);
    expect(prodConfig.Logging).toMatchObject({
      Bucket: { 'Fn::GetAtt': [logBucket, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    expect(resourcesOf(prod)[logicalId(prod.stack.console.bucket)]!.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucket },
      LogFilePrefix: 'console-bucket/',
    });
    expect(single(dev, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig.Logging).toBeUndefined();
    expect(dev.stack.console.accessLogBucket).toBeUndefined();
  });
});

describe('security headers', () => {
  const headersOf = (synth: Synthesized) =>
    single(synth, 'AWS::CloudFront::ResponseHeadersPolicy')[1].Properties.ResponseHeadersPolicyConfig
      .SecurityHeadersConfig as Record<string, any>;

  it('the CSP allows scripts from the console only, no framing, and fetches to the API and Cognito of the region', () => {
    const csp = render(headersOf(dev).ContentSecurityPolicy.ContentSecurityPolicy);
    expect(headersOf(dev).ContentSecurityPolicy.Override).toBe(true);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values] as const;
      }),
    );
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('connect-src')).toEqual([
      "'self'",
      'https://*.execute-api.<AWS::Region>.<AWS::URLSuffix>',
      'https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>',
    ]);
    // The same policy the construct reports (and the local console server builds with the same function).
    expect(csp).toBe(render(dev.stack.resolve(dev.stack.console.contentSecurityPolicy)));
  });

  it('sends the shared HSTS, nosniff, frame-options DENY and referrer policy, overriding the origin', () => {
    const headers = headersOf(dev);
    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Preload: true,
      Override: true,
    });
    expect(consoleSecurityHeaders['strict-transport-security']).toBe('max-age=63072000; includeSubDomains; preload');
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: consoleSecurityHeaders['x-frame-options'], Override: true });
    expect(headers.FrameOptions.FrameOption).toBe('DENY');
    expect(headers.ReferrerPolicy).toEqual({
      ReferrerPolicy: consoleSecurityHeaders['referrer-policy'],
      Override: true,
    });
  });

  it('the distribution depends on nothing of the API (no CORS ↔ CSP cycle)', () => {
    const apiId = logicalId(dev.stack.api.httpApi);
    for (const type of ['AWS::CloudFront::Distribution', 'AWS::CloudFront::ResponseHeadersPolicy']) {
      expect(JSON.stringify(single(dev, type)[1]), type).not.toContain(apiId);
    }
  });
});

describe('deployment of the build and config.json', () => {
  const deployments = (synth: Synthesized) => ofType(synth, 'Custom::CDKBucketDeployment').map(([, r]) => r);
  const entry = (synth: Synthesized) =>
    deployments(synth).find((d) => d.Properties.DestinationBucketKeyPrefix === undefined)!;

  it('assets are immutable and never pruned; index.html and config.json revalidate and are invalidated', () => {
    const all = deployments(dev);
    expect(all).toHaveLength(2);
    const bucket = { Ref: logicalId(dev.stack.console.bucket) };
    const assets = all.find((d) => d.Properties.DestinationBucketKeyPrefix === 'assets/')!;
    expect(assets.Properties).toMatchObject({
      DestinationBucketName: bucket,
      Prune: false,
      SystemMetadata: { 'cache-control': ASSET_CACHE_CONTROL },
    });
    expect(ASSET_CACHE_CONTROL).toMatch(/immutable/);
    expect(entry(dev).Properties).toMatchObject({
      DestinationBucketName: bucket,
      Prune: false,
      SystemMetadata: { 'cache-control': ENTRY_CACHE_CONTROL },
      DistributionId: { Ref: logicalId(dev.stack.console.distribution) },
      DistributionPaths: ['/index.html', '/config.json'],
    });
    expect(ENTRY_CACHE_CONTROL).toBe('no-cache');
    // Objects are removed with a destroyed bucket (dev) and kept where the bucket is retained (prod).
    expect(entry(dev).Properties.RetainOnDelete).toBe(false);
    expect(entry(prod).Properties.RetainOnDelete).toBe(true);
  });

  it('config.json carries the API URL, region and this user pool and client (console/src/config.ts)', () => {
    const { Properties } = entry(dev);
    const markers = Properties.SourceMarkers[1] as Record<string, unknown>;
    const assetDirs = readdirSync(dev.app.outdir).filter((d) => d.startsWith('asset.'));
    const file = assetDirs
      .map((d) => path.join(dev.app.outdir, d, 'config.json'))
      .find((f) => {
        try {
          return readFileSync(f, 'utf8').length > 0;
        } catch {
          return false;
        }
      });
    expect(file, 'staged config.json').toBeDefined();
    let text = readFileSync(file!, 'utf8');
    for (const [marker, value] of Object.entries(markers)) text = text.split(marker).join(render(value));
    expect(JSON.parse(text)).toEqual({
      // https://<apiId>.execute-api.<region>.<suffix>, without the $default stage's trailing slash
      apiUrl: `<${logicalId(dev.stack.api.httpApi)}.ApiEndpoint>`,
      region: '<AWS::Region>',
      cognito: {
        endpoint: 'https://cognito-idp.<AWS::Region>.<AWS::URLSuffix>',
        userPoolId: `<${logicalId(dev.stack.identity.userPool)}>`,
        clientId: `<${logicalId(dev.stack.identity.userPoolClient)}>`,
      },
    });
  });

  it('the deployment handler has its own role: no managed policy, only S3, CloudFront invalidation and its logs', () => {
    const roleId = logicalId(dev.stack.console.deploymentRole);
    expect(resourcesOf(dev)[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
    const actions = ofType(dev, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Record<string, any>[])
      .flatMap((s) => [s.Action].flat() as string[]);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/^(s3|cloudfront|logs):/);
  });
});

describe('the console URL as APP_URL and CORS origin', () => {
  it.each(['dev', 'prod'])('%s sets no appUrl: every function’s APP_URL is the distribution URL', (stage) => {
    const synth = stage === 'dev' ? dev : prod;
    expect(synth.stack.config.appUrl).toBe(synth.stack.console.url);
    const functions = ofType(synth, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties.Environment?.Variables?.STAGE === stage,
    );
    expect(functions.length).toBeGreaterThan(10);
    for (const [id, fn] of functions)
      expect(fn.Properties.Environment.Variables.APP_URL, id).toEqual(distributionUrl(synth));
  });

  it('the API and the export bucket allow the console’s origin (and nothing else by default)', () => {
    for (const synth of [dev, prod]) {
      expect(single(synth, 'AWS::ApiGatewayV2::Api')[1].Properties.CorsConfiguration.AllowOrigins).toEqual([
        distributionUrl(synth),
      ]);
      const exportBucket = resourcesOf(synth)[logicalId(synth.stack.audit.exportBucket)]!;
      expect(exportBucket.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins).toEqual([distributionUrl(synth)]);
    }
  });

  it('a custom domain (appUrl + certificate): served on that host with TLS 1.2, which is APP_URL and the CORS origin', () => {
    const config = single(custom, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
    expect(config.Aliases).toEqual(['console.acme.io']);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: CERTIFICATE,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
    expect(single(custom, 'AWS::ApiGatewayV2::Api')[1].Properties.CorsConfiguration.AllowOrigins).toEqual([
      'https://console.acme.io',
    ]);
    for (const [id, fn] of ofType(custom, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.Environment?.Variables?.STAGE === 'staging',
    )) {
      expect(fn.Properties.Environment.Variables.APP_URL, id).toBe('https://console.acme.io');
    }
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it.each(['dev', 'prod', 'custom domain'])(
    '%s: nothing unacknowledged; the console’s acknowledgements each match a finding',
    (name) => {
      const synth = name === 'dev' ? dev : name === 'prod' ? prod : custom;
      const violations = nagViolations(synth.app).map(
        (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      );
      expect(violations).toEqual([]);
      const findings = allNagFindings(synth.app);
      const records = acknowledgements(synth.app).filter(
        (r) => r.path.includes('/Console/') || r.path.includes('CDKBucketDeployment'),
      );
      expect(records.length).toBeGreaterThan(5);
      for (const record of records) {
        expect(findings.has(record.id), `stale acknowledgement ${record.id} on ${record.path}`).toBe(true);
      }
      const ids = new Set(records.map((r) => r.id));
      // Fixed, not acknowledged: TLS with a custom domain's certificate; logging in prod.
      expect(ids.has('AwsSolutions-CFR4')).toBe(name !== 'custom domain');
      expect(ids.has('AwsSolutions-CFR3')).toBe(name !== 'prod');
      expect(ids.has('AwsSolutions-S1')).toBe(name !== 'prod');
    },
  );
});
