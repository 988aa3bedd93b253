import { Duration } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type RouteDefinition, requiresToken } from '../../shared/http/route-definition';
import { fallbackRoute, routeList } from '../../shared/http/routes';
import { acknowledge } from '../nag';
import type { StageConfig } from '../stage-config';
import { applyGrants, type GrantResources } from './grants';
import { ServiceFunction } from './service-function';

/**
 * One JSON line per request. Deliberately absent: request headers (Authorization carries the JWT)
 * and the query string (invitation tokens travel in `?token=`): `$context.path` has no query string.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sub: '$context.authorizer.claims.sub',
  error: '$context.error.message',
} as const;

export interface ApiProps {
  readonly config: StageConfig;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly environment: Readonly<Record<string, string>>;
  readonly grantResources: GrantResources;
  /** @default `routeList` from shared/http/routes.ts */
  readonly routes?: readonly RouteDefinition[];
}

/**
 * The HTTP API, generated from the route table: per route one function (granted exactly the
 * route's `grants`) and one API Gateway route, with the Cognito JWT authorizer unless the route is
 * public. `$default` goes to the problem+json 404 function.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly authorizer: HttpJwtAuthorizer;
  /** Route functions by operationId. */
  readonly routeFunctions: ReadonlyMap<string, ServiceFunction>;
  readonly notFoundFunction: ServiceFunction;
  readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;
    const routes = props.routes ?? routeList;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `users-and-roles-${config.stage}`,
      description: `Users & Roles API (${config.stage})`,
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...config.corsAllowedOrigins],
        allowMethods: corsMethods(routes),
        allowHeaders: ['authorization', 'content-type', 'if-match'],
        exposeHeaders: ['etag', 'location'],
        maxAge: Duration.hours(1),
        allowCredentials: false,
      },
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.removalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', props.userPool.userPoolProviderUrl, {
      jwtAudience: [props.userPoolClient.userPoolClientId],
      identitySource: ['$request.header.Authorization'],
    });

    const routeFunctions = new Map<string, ServiceFunction>();
    const publicRouteSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of routes) {
      const fn = new ServiceFunction(this, route.operationId, {
        entry: route.handler,
        config,
        environment: props.environment,
        description: `${route.method} ${route.path}`,
      });
      applyGrants(fn.serviceRole, route.grants, props.grantResources);
      const httpRoute = new HttpRoute(this, `${route.operationId}Route`, {
        httpApi: this.httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${route.operationId}Integration`, fn),
        authorizer: requiresToken(route) ? this.authorizer : undefined,
      });
      if (!requiresToken(route)) {
        // Route settings name the route key; the stage must be created after the route.
        publicRouteSettings[`${route.method} ${route.path}`] = {
          ThrottlingRateLimit: config.publicRouteThrottle.rateLimit,
          ThrottlingBurstLimit: config.publicRouteThrottle.burstLimit,
        };
        this.stage.node.addDependency(httpRoute);
        acknowledge(
          httpRoute,
          'AwsSolutions-APIG4',
          `${route.method} ${route.path} is public by design (route table access.kind = 'public'): ` +
            'invitees hold no token yet; the handler authenticates the invitation token itself.',
        );
      }
      routeFunctions.set(route.operationId, fn);
    }
    this.routeFunctions = routeFunctions;
    if (Object.keys(publicRouteSettings).length > 0) {
      (this.stage.node.defaultChild as CfnStage).routeSettings = publicRouteSettings;
    }

    this.notFoundFunction = new ServiceFunction(this, fallbackRoute.operationId, {
      entry: fallbackRoute.handler,
      config,
      environment: props.environment,
      description: 'Problem+json 404 for requests that match no route ($default)',
    });
    const defaultRoute = new HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('DefaultIntegration', this.notFoundFunction),
    });
    acknowledge(
      defaultRoute,
      'AwsSolutions-APIG4',
      '$default only answers unknown routes with a problem+json 404; it touches no data (the function has no grants).',
    );
  }

  /** Invoke URL of the default stage (ends with `/`). */
  get url(): string {
    return this.stage.url;
  }
}

function corsMethods(routes: readonly RouteDefinition[]): CorsHttpMethod[] {
  const methods = new Set<CorsHttpMethod>(routes.map((route) => CorsHttpMethod[route.method]));
  methods.add(CorsHttpMethod.OPTIONS);
  return [...methods];
}
