import { readFileSync } from 'node:fs';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app';
import { fromRepoRoot } from '../../infra/paths';
import type { UsersAndRolesStack } from '../../infra/users-and-roles-stack';

/** The feature flags of cdk.json, so that tests synthesize what `cdk synth` synthesizes. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(fromRepoRoot('cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

export interface Synthesized {
  readonly app: App;
  readonly stack: UsersAndRolesStack;
  readonly template: Template;
}

/**
 * Synthesizes one stage without bundling (`aws:cdk:bundling-stacks: []`: assets are placeholders,
 * so a synth costs ~3 s instead of ~20 s) and without the cdk-nag plugin, which the tests run
 * themselves to read its findings.
 */
export function synthStage(stage: string, extraContext: Record<string, unknown> = {}): Synthesized {
  const app = new App({
    context: { ...cdkJsonContext(), stage, 'aws:cdk:bundling-stacks': [], ...extraContext },
  });
  const stack = buildApp(app, { nag: false });
  const template = Template.fromStack(stack);
  return { app, stack, template };
}

export function logicalId(construct: IConstruct): string {
  const element = construct.node.defaultChild ?? construct;
  return Stack.of(construct).getLogicalId(element as CfnElement);
}

/** cdk-nag AwsSolutions findings that are not acknowledged. */
export function nagViolations(scope: IConstruct) {
  return new AwsSolutionsChecks().validateScope(scope).violations;
}

/**
 * Every finding, acknowledged or not. cdk-nag 3 has no public switch for this; the check treats
 * nothing as acknowledged by replacing its private `isAcknowledged` (if cdk-nag renames it, the
 * "no stale acknowledgement" test fails loudly rather than passing silently).
 */
export function allNagFindings(scope: IConstruct): Set<string> {
  const pack = new AwsSolutionsChecks();
  const internals = pack as unknown as { isAcknowledged?: unknown };
  if (typeof internals.isAcknowledged !== 'function') {
    throw new Error('cdk-nag internals changed: NagPack#isAcknowledged is gone');
  }
  internals.isAcknowledged = () => false;
  return new Set(pack.validateScope(scope).violations.map((v) => v.ruleName));
}

export interface AcknowledgementRecord {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** All `Validations.acknowledge` records in the tree (ids without the `annotation::` prefix). */
export function acknowledgements(scope: IConstruct): AcknowledgementRecord[] {
  const records: AcknowledgementRecord[] = [];
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, unknown>)) {
        records.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason: String(reason ?? '') });
      }
    }
  }
  return records;
}
