import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding on `scope` (and its children). Every acknowledgement carries a
 * reason a security reviewer can check; the infra tests fail on an empty one.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) {
    throw new Error(`cdk-nag acknowledgement ${id} on ${scope.node.path} needs a real reason.`);
  }
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The finding suffix cdk-nag's IAM5 reports for a resource ARN containing a wildcard, e.g.
 * `Resource::<MainTable1234.Arn>/index/*`. cdk-nag v3 has no prefix matching, so a finding is
 * acknowledged by its exact id; computing it from the same token keeps the id right when logical ids move.
 */
export function iam5ResourceFinding(scope: IConstruct, arn: string): string {
  return `AwsSolutions-IAM5[Resource::${flatten(Stack.of(scope).resolve(arn))}]`;
}

/** Same flattening as cdk-nag's `flattenCfnReference` (not exported by the package). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const obj = node as Record<string, unknown>;
    if (Array.isArray(obj['Fn::Join'])) {
      const [delimiter, items] = obj['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (obj['Fn::Sub'] !== undefined) return flatten(obj['Fn::Sub']);
    if (Array.isArray(obj['Fn::GetAtt'])) {
      const [resource, attribute] = obj['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (obj['Fn::ImportValue'] !== undefined) return flatten(obj['Fn::ImportValue']);
    if (obj.Ref !== undefined) return `<${flatten(obj.Ref)}>`;
  }
  return JSON.stringify(node);
}
