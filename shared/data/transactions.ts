import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DomainError } from '../domain/errors';
import type { DataDeps } from './data-deps';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A transaction step: the write, and the domain error its condition failing means.
 * Steps without `onConditionFailed` have conditions that only fail on a bug or a race we cannot name;
 * those surface as the original error.
 */
export interface TransactionStep {
  readonly item: TransactItem;
  readonly onConditionFailed?: (currentItem: Record<string, unknown> | undefined) => DomainError;
}

/**
 * Runs all steps atomically and translates a cancelled transaction into the domain error of the first
 * step whose condition failed (DynamoDB reports one reason per item, in order).
 */
export async function transactWrite(deps: DataDeps, steps: readonly TransactionStep[]): Promise<void> {
  const items = steps.map((step) => {
    const item = step.item;
    // Ask for the current item on condition failures, so errors can say what was found (e.g. a version).
    for (const kind of ['Put', 'Update', 'Delete', 'ConditionCheck'] as const) {
      const op = item[kind];
      if (op && step.onConditionFailed) {
        return { [kind]: { ...op, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } } as TransactItem;
      }
    }
    return item;
  });
  try {
    await deps.db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      for (const [index, reason] of reasons.entries()) {
        const step = steps[index];
        if (reason.Code === 'ConditionalCheckFailed' && step?.onConditionFailed) {
          throw step.onConditionFailed(unmarshallLoose(reason.Item));
        }
      }
    }
    throw error;
  }
}

/** Cancellation reasons carry raw attribute values; read the few scalar fields errors need. */
function unmarshallLoose(item: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!item) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    const attribute = value as { S?: string; N?: string; BOOL?: boolean };
    out[name] = attribute.S ?? (attribute.N !== undefined ? Number(attribute.N) : attribute.BOOL);
  }
  return out;
}
