/**
 * CSV export of the current filter (audit:export): request it, follow it until the worker is done, then
 * offer the download link (a presigned S3 URL, valid 15 minutes) with the number of rows.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { ProblemAlert } from '../commons/problem-alert';
import type { AuditFilter } from './audit-queries';
import { type useCreateExport, useExport } from './audit-queries';

export function ExportButton(props: {
  readonly tenantId: string;
  readonly filter: AuditFilter;
  readonly onRequested: (exportId: string) => void;
  readonly create: ReturnType<typeof useCreateExport>;
}) {
  return (
    <Button
      iconName="download"
      loading={props.create.isPending}
      onClick={() => props.create.mutate(props.filter, { onSuccess: (created) => props.onRequested(created.exportId) })}
    >
      Export CSV
    </Button>
  );
}

export function ExportStatus(props: {
  readonly tenantId: string;
  readonly exportId: string | undefined;
  readonly createError: unknown;
  readonly onDismiss: () => void;
}) {
  const state = useExport(props.tenantId, props.exportId);
  if (props.createError) return <ProblemAlert error={props.createError} header="The export was not started" />;
  if (!props.exportId) return null;
  if (state.error) return <ProblemAlert error={state.error} header="The export's state is unknown" />;
  const current = state.data;
  if (current?.status === 'failed') {
    return (
      <Alert
        type="error"
        header="The export failed"
        dismissible
        i18nStrings={{ dismissAriaLabel: 'Dismiss' }}
        onDismiss={props.onDismiss}
      >
        {current.error ?? 'The export could not be written.'}
      </Alert>
    );
  }
  if (current?.status === 'done' && current.downloadUrl) {
    const rows = current.rowCount ?? 0;
    return (
      <Alert
        type="success"
        header="Export ready"
        dismissible
        i18nStrings={{ dismissAriaLabel: 'Dismiss' }}
        onDismiss={props.onDismiss}
        action={
          <Button href={current.downloadUrl} download="audit-log.csv" iconName="download" variant="primary">
            Download CSV
          </Button>
        }
      >
        <SpaceBetween size="xxs">
          <span data-testid="export-row-count">
            {rows} {rows === 1 ? 'row' : 'rows'}
          </span>
          <Box variant="small">The link is valid for 15 minutes.</Box>
        </SpaceBetween>
      </Alert>
    );
  }
  return (
    <Alert type="info" header="Exporting the audit log">
      <StatusIndicator type="loading">
        {current?.status === 'running' ? 'Writing the CSV file…' : 'Waiting for the export to start…'}
      </StatusIndicator>
    </Alert>
  );
}
