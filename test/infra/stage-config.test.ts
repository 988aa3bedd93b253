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

  it('rejects bad overrides', () => {
    expect(() => stageConfig('prod', { appUrl: 'http://app.acme.io' })).toThrow(/https/);
    expect(() => stageConfig('prod', { appUrl: 'not a url' })).toThrow(/appUrl/);
    expect(() => stageConfig('prod', { senderEmail: 'nope' })).toThrow(/senderEmail/);
    expect(() => stageConfig('prod', { logLevel: 'verbose' })).toThrow(/logLevel/);
  });
});
