/** One audit entry in a dialog: who, from where, what, and its changes as before/after per field. */
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { actorLabel, type ChangeRow, changeRows, formatTime } from './audit-config';
import type { AuditEntry } from './audit-queries';

const kindColor: Record<ChangeRow['kind'], 'green' | 'red' | 'blue' | 'grey'> = {
  added: 'green',
  removed: 'red',
  changed: 'blue',
  unchanged: 'grey',
};

const dash = (value: string | undefined) => value ?? '—';

export function EntryDetail(props: {
  readonly entry: AuditEntry | undefined;
  readonly onDismiss: () => void;
  readonly onFilterActor: (entry: AuditEntry) => void;
  readonly onFilterTarget: (entry: AuditEntry) => void;
}) {
  const { entry } = props;
  if (!entry) return null;
  const rows = changeRows(entry.changes);
  return (
    <Modal
      visible
      size="large"
      onDismiss={props.onDismiss}
      closeAriaLabel="Close"
      header={`${entry.action} · ${entry.target.label}`}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button onClick={() => props.onFilterActor(entry)}>Show this actor's actions</Button>
            <Button onClick={() => props.onFilterTarget(entry)}>Show this target's history</Button>
            <Button variant="primary" onClick={props.onDismiss}>
              Close
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="l">
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Time', value: formatTime(entry.occurredAt) },
            { label: 'Actor', value: actorLabel(entry) },
            { label: 'Actor id', value: entry.actor.id },
            { label: 'IP address', value: dash(entry.actor.ip) },
            { label: 'User agent', value: dash(entry.actor.userAgent) },
            { label: 'Action', value: entry.action },
            { label: 'Target', value: `${entry.target.type} ${entry.target.label}` },
            { label: 'Target id', value: entry.target.id },
            { label: 'Request id', value: entry.requestId },
            { label: 'Sequence', value: String(entry.seq) },
            { label: 'Hash', value: <code style={{ wordBreak: 'break-all' }}>{entry.hash}</code> },
          ]}
        />
        <Table<ChangeRow>
          variant="embedded"
          items={rows}
          trackBy="field"
          header={<Header variant="h3">Changes</Header>}
          columnDefinitions={[
            { id: 'field', header: 'Field', cell: (row) => <code>{row.field}</code>, isRowHeader: true },
            { id: 'before', header: 'Before', cell: (row) => dash(row.before) },
            { id: 'after', header: 'After', cell: (row) => dash(row.after) },
            {
              id: 'kind',
              header: 'Change',
              cell: (row) => <Badge color={kindColor[row.kind]}>{row.kind}</Badge>,
            },
          ]}
          empty={<Box textAlign="center">This entry records no field changes.</Box>}
        />
      </SpaceBetween>
    </Modal>
  );
}
