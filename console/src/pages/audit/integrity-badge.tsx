/** The result of recomputing the hash chain (GET /audit/verify) over the current date range, refreshable. */
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { AuditFilter, AuditVerification } from './audit-queries';
import { useVerification } from './audit-queries';

const reasons: Record<NonNullable<AuditVerification['brokenAt']>['reason'], string> = {
  missing_entry: 'an entry is missing',
  seq_mismatch: 'entries are out of sequence',
  prev_hash_mismatch: 'the link to the previous entry does not match',
  hash_mismatch: 'the entry was altered',
  index_mismatch: 'an index entry does not match',
  head_mismatch: 'the chain head does not match',
};

function verdict(result: AuditVerification): { type: 'success' | 'error' | 'warning'; text: string } {
  if (!result.ok && result.brokenAt) {
    return {
      type: 'error',
      text: `Broken at entry ${result.brokenAt.seq}: ${reasons[result.brokenAt.reason] ?? result.brokenAt.reason}`,
    };
  }
  if (!result.ok) return { type: 'error', text: 'Chain broken' };
  const events = `${result.checked} ${result.checked === 1 ? 'event' : 'events'}`;
  if (!result.complete) {
    return {
      type: 'warning',
      text: `Chain verified for ${events} (to entry ${result.toSeq}); the rest was not checked`,
    };
  }
  return { type: 'success', text: `Chain verified (${events})` };
}

export function IntegrityBadge(props: { readonly tenantId: string; readonly range: Pick<AuditFilter, 'from' | 'to'> }) {
  const verification = useVerification(props.tenantId, props.range);
  const shown = verification.isFetching
    ? { type: 'loading' as const, text: 'Verifying the chain…' }
    : verification.error
      ? {
          type: 'error' as const,
          text: `Not verified: ${verification.error.message}`,
        }
      : verification.data
        ? verdict(verification.data)
        : { type: 'pending' as const, text: 'Not verified yet' };
  return (
    <SpaceBetween direction="horizontal" size="xs" alignItems="center">
      <span data-testid="integrity" aria-live="polite">
        <StatusIndicator type={shown.type}>{shown.text}</StatusIndicator>
      </span>
      <Button
        variant="icon"
        iconName="refresh"
        ariaLabel="Verify the chain again"
        disabled={verification.isFetching}
        onClick={() => void verification.refetch()}
      />
    </SpaceBetween>
  );
}
