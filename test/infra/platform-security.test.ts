import { beforeAll, describe, expect, it } from 'vitest';
import { SIGN_IN_POLICY_ATTRIBUTES } from '../../infra/constructs/grants';
import { stageConfig } from '../../infra/stage-config';
import { requiresToken } from '../../shared/http/route-definition';
import { routeList } from '../../shared/http/routes';
import { acknowledgements, allNagFindings, logicalId, nagViolations, type Synthesized, synthStage } from './synth';

/**
 * Platform checks per stage (issue 6 §4, ASVS V8.4 with V3/V13 configuration items), for every named stage:
 * the CORS allow-list is the stage's origins and nothing else (no wildcard, no credentials, only the
 * methods and headers the route table needs), throttling is set on the stage and tighter on every public
 * route, cdk-nag AwsSolutions finds nothing unacknowledged (every acknowledgement with a reason), and
 * the one write a read-only route may make is conditioned to the sign-in attribute.
 * (test/infra/stack.test.ts checks dev and prod in depth, and every function's policy against its grants.)
 */
type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
const stages = ['dev', 'staging', 'prod'] as const;
const synths = {} as Record<(typeof stages)[number], Synthesized>;

beforeAll(() => {
  for (const stage of stages) synths[stage] = synthStage(stage);
}, 90_000);

const resourcesOf = (stage: (typeof stages)[number]) => synths[stage].template.toJSON().Resources as Resources;
const single = (stage: (typeof stages)[number], type: string) => {
  const found = Object.values(resourcesOf(stage)).filter((r) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!.Properties;
};

describe.each(stages)('stage %s', (stage) => {
  const config = stageConfig(stage);

  it('CORS: exactly the stage’s origins, no wildcard, no credentials, only what the routes need', () => {
    const cors = single(stage, 'AWS::ApiGatewayV2::Api').CorsConfiguration;
    const { stack } = synths[stage];
    // The stage sets no appUrl: its console's CloudFront URL, then the configured extra origins.
    expect(config.appUrl).toBeUndefined();
    expect(cors.AllowOrigins).toEqual([stack.resolve(stack.console.url), ...config.corsAllowedOrigins]);
    expect(cors.AllowOrigins[0]).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [logicalId(stack.console.distribution), 'DomainName'] }]],
    });
    for (const origin of cors.AllowOrigins.slice(1) as string[]) {
      expect(origin).not.toContain('*');
      expect(new URL(origin).origin).toBe(origin);
      if (stage !== 'dev') expect(new URL(origin).protocol).toBe('https:');
    }
    expect(cors.AllowCredentials ?? false).toBe(false);
    expect(new Set(cors.AllowMethods)).toEqual(new Set([...routeList.map((route) => route.method), 'OPTIONS']));
    expect(new Set(cors.AllowHeaders)).toEqual(new Set(['authorization', 'content-type', 'if-match']));
    expect(new Set(cors.ExposeHeaders)).toEqual(new Set(['etag', 'location']));
    expect(cors.MaxAge).toBe(3600);
  });

  it('throttling: the stage default, and tighter on every public route', () => {
    const settings = single(stage, 'AWS::ApiGatewayV2::Stage');
    expect(settings.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: config.throttle.rateLimit,
      ThrottlingBurstLimit: config.throttle.burstLimit,
    });
    expect(config.throttle.rateLimit).toBeGreaterThan(0);
    expect(config.throttle.burstLimit).toBeGreaterThanOrEqual(config.throttle.rateLimit);
    const publicRoutes = routeList.filter((route) => !requiresToken(route));
    expect(publicRoutes.length).toBeGreaterThan(0);
    for (const route of publicRoutes) {
      const limits = settings.RouteSettings[`${route.method} ${route.path}`];
      expect(limits, route.operationId).toEqual({
        ThrottlingRateLimit: config.publicRouteThrottle.rateLimit,
        ThrottlingBurstLimit: config.publicRouteThrottle.burstLimit,
      });
      expect(limits.ThrottlingRateLimit).toBeLessThan(config.throttle.rateLimit);
    }
  });

  it('cdk-nag AwsSolutions: no unacknowledged finding; every acknowledgement has a reason and a finding', () => {
    const violations = nagViolations(synths[stage].app).map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(violations).toEqual([]);
    const findings = allNagFindings(synths[stage].app);
    for (const record of acknowledgements(synths[stage].app).filter((r) => r.id.startsWith('AwsSolutions-'))) {
      expect(record.reason.trim().length, `${record.path} ${record.id}`).toBeGreaterThanOrEqual(20);
      expect(findings.has(record.id), `stale acknowledgement ${record.id} on ${record.path}`).toBe(true);
    }
  });

  it('a read-only route’s one write (its caller’s sign-in) is limited to the sign-in attribute of the main table', () => {
    const resources = resourcesOf(stage);
    const table = logicalId(synths[stage].stack.data.mainTable);
    const withGrant = routeList.filter((route) => route.grants.includes('main:recordSignIn'));
    expect(withGrant.length).toBeGreaterThan(5);
    for (const route of withGrant) {
      const role = logicalId(synths[stage].stack.api.routeFunctions.get(route.operationId)!.serviceRole);
      const statements = Object.values(resources)
        .filter(
          (r) =>
            r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role),
        )
        .flatMap((r) => r.Properties.PolicyDocument.Statement as Record<string, any>[])
        .filter((statement) => [statement.Action].flat().includes('dynamodb:UpdateItem'));
      expect(statements, route.operationId).toHaveLength(1);
      expect(statements[0]!.Action).toBe('dynamodb:UpdateItem');
      expect(statements[0]!.Resource).toEqual({ 'Fn::GetAtt': [table, 'Arn'] });
      expect(statements[0]!.Condition).toEqual({
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...SIGN_IN_POLICY_ATTRIBUTES] },
        StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
      });
    }
  });
});

it('every route that resolves a tenant member may record the sign-in (main:write or main:recordSignIn)', () => {
  const tenantAccess = new Set(['member', 'member-batched', 'permission', 'permission-or-self', 'owner', 'bot']);
  for (const route of routeList.filter((r) => tenantAccess.has(r.access.kind))) {
    expect(route.grants.includes('main:write') || route.grants.includes('main:recordSignIn'), route.operationId).toBe(
      true,
    );
  }
});
