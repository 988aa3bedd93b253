import { App, RemovalPolicy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { stageConfig } from '../../infra/stage-config';

describe('stage selection', () => {
  it('requires -c stage=<name>', () => {
    expect(() => buildApp(new App(), { nag: false })).toThrow(/-c stage=<name>/);
  });

  it.each(['Dev', 'd', '1dev', 'dev_1', 'dev.x', 'a'.repeat(22), ''])('rejects the stage name %j', (stage) => {
    expect(() => stageConfig(stage)).toThrow(/Invalid stage/);
  });

  it.each(['dev', 'prod', 'pr-42', 'alice'])('accepts the stage name %j', (stage) => {
    expect(stageConfig(stage).stage).toBe(stage);
  });
});

describe('stage settings', () => {
  it('prod retains data and protects it; dev destroys', () => {
    const prod = stageConfig('prod');
    expect(prod.removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(prod.deletionProtection).toBe(true);
    expect(prod.isProduction).toBe(true);
    const dev = stageConfig('dev');
    expect(dev.removalPolicy).toBe(RemovalPolicy.DESTROY);
    expect(dev.deletionProtection).toBe(false);
  });

  it('unknown stages get dev-like settings', () => {
    const { stage, ...feature } = stageConfig('pr-42');
    const { stage: _dev, ...dev } = stageConfig('dev');
    expect(stage).toBe('pr-42');
    expect(feature).toEqual(dev);
  });

  it('context overrides appUrl, sender and CORS origins (derived from appUrl unless given)', () => {
    const config = stageConfig('prod', { appUrl: 'https://console.acme.io/app', senderEmail: 'team@acme.io' });
    expect(config.appUrl).toBe('https://console.acme.io/app');
    expect(config.senderEmail).toBe('team@acme.io');
    expect(config.corsAllowedOrigins).toEqual(['https://console.acme.io']);
    expect(stageConfig('dev', { corsOrigins: 'https://a.io, https://b.io' }).corsAllowedOrigins).toEqual([
      'https://a.io',
      'https://b.io',
    ]);
  });

  it('no stage sets an appUrl: the console is served on its CloudFront URL unless a custom domain is given', () => {
    for (const stage of ['dev', 'staging', 'prod']) {
      expect(stageConfig(stage).appUrl, stage).toBeUndefined();
      expect(stageConfig(stage).corsAllowedOrigins, stage).toEqual([]);
    }
    expect(stageConfig('prod').consoleAccessLogs).toBe(true);
    expect(stageConfig('dev').consoleAccessLogs).toBe(false);
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
    expect(stageConfig('prod', { appUrl: 'https://console.acme.io', consoleCertificateArn: arn })).toMatchObject({
      appUrl: 'https://console.acme.io',
      consoleCertificateArn: arn,
      corsAllowedOrigins: ['https://console.acme.io'],
    });
  });

  it('a console certificate needs appUrl and must be an ACM certificate in us-east-1 (CloudFront’s region)', () => {
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e';
    expect(() => stageConfig('prod', { consoleCertificateArn: arn })).toThrow(/needs appUrl/);
    expect(() =>
      stageConfig('prod', {
        appUrl: 'https://console.acme.io',
        consoleCertificateArn: arn.replace('us-east-1', 'eu-west-1'),
      }),
    ).toThrow(/us-east-1/);
  });

  it('rejects bad overrides', () => {
    expect(() => stageConfig('prod', { appUrl: 'http://app.acme.io' })).toThrow(/https/);
    expect(() => stageConfig('prod', { appUrl: 'not a url' })).toThrow(/appUrl/);
    expect(() => stageConfig('prod', { senderEmail: 'nope' })).toThrow(/senderEmail/);
    expect(() => stageConfig('prod', { logLevel: 'verbose' })).toThrow(/logLevel/);
  });
});
