/**
 * "Import CSV": many invitations from a file with a header row `email` and optional `role` (a tenant role's
 * name or id; Member when absent) and `expiresInDays` (1-30; 7 when absent). The rows are previewed, then
 * sent in batches of one role and validity each, at most the API's maximum of addresses per request, with a
 * progress bar and each row's result: invited, refused with the reason, or the API's error.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FileUpload from '@cloudscape-design/components/file-upload';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Modal from '@cloudscape-design/components/modal';
import ProgressBar from '@cloudscape-design/components/progress-bar';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useQueryClient } from '@tanstack/react-query';
import Papa from 'papaparse';
import { useMemo, useState } from 'react';
import { ProblemAlert } from '../commons/problem-alert';
import {
  failureReason,
  MAX_EMAILS_PER_REQUEST,
  type Role,
  refreshPeople,
  sendInvitations,
  useRolesOfScope,
} from './invitations-queries';
import { DEFAULT_ROLE_ID } from './invite-dialog';

const DEFAULT_DAYS = 7;

type RowResult =
  | { readonly kind: 'waiting' }
  | { readonly kind: 'created' }
  | { readonly kind: 'failed'; readonly code: string }
  | { readonly kind: 'error'; readonly detail: string };

export interface ImportRow {
  /** Line of the file (the header is line 1). */
  readonly line: number;
  readonly email: string;
  readonly roleId: string;
  readonly roleLabel: string;
  readonly days: number;
  /** Why the row cannot be sent at all (missing email, unknown role, bad validity). */
  readonly invalid?: string;
}

/** The rows of a CSV file, each checked against the tenant's roles. */
export function parseImport(text: string, roles: readonly Role[]): { rows: ImportRow[]; error?: string } {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim().toLowerCase(),
  });
  const fields = parsed.meta.fields ?? [];
  if (!fields.includes('email')) return { rows: [], error: 'The first line must be a header with an "email" column.' };
  const byKey = new Map<string, Role>();
  for (const role of roles) {
    byKey.set(role.roleId.toLowerCase(), role);
    byKey.set(role.name.toLowerCase(), role);
  }
  const rows = parsed.data.map((record, index): ImportRow => {
    const email = (record.email ?? '').trim();
    const roleText = (record.role ?? '').trim();
    const daysText = (record.expiresindays ?? '').trim();
    const role = roleText ? byKey.get(roleText.toLowerCase()) : byKey.get(DEFAULT_ROLE_ID);
    const days = daysText ? Number(daysText) : DEFAULT_DAYS;
    const invalid = !email
      ? 'No email address'
      : roleText && (!role || role.roleId === 'owner')
        ? `Unknown role "${roleText}"`
        : !Number.isInteger(days) || days < 1 || days > 30
          ? `expiresInDays must be a whole number from 1 to 30 (got "${daysText}")`
          : undefined;
    return {
      line: index + 2,
      email,
      roleId: role?.roleId ?? roleText,
      roleLabel: role?.name ?? (roleText || DEFAULT_ROLE_ID),
      days,
      ...(invalid ? { invalid } : {}),
    };
  });
  return { rows };
}

/** The sendable rows in requests of one role and validity each, at most `size` addresses per request. */
export function batchesOf(rows: readonly ImportRow[], size = MAX_EMAILS_PER_REQUEST): ImportRow[][] {
  const groups = new Map<string, ImportRow[]>();
  for (const row of rows) {
    if (row.invalid) continue;
    const key = `${row.roleId}\u0000${row.days}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const batches: ImportRow[][] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += size) batches.push(group.slice(start, start + size));
  }
  return batches;
}

function ResultCell({ row, result }: { readonly row: ImportRow; readonly result: RowResult | undefined }) {
  if (row.invalid) return <StatusIndicator type="warning">Skipped: {row.invalid}</StatusIndicator>;
  if (!result) return <StatusIndicator type="pending">Ready</StatusIndicator>;
  switch (result.kind) {
    case 'waiting':
      return <StatusIndicator type="in-progress">Sending</StatusIndicator>;
    case 'created':
      return <StatusIndicator type="success">Invited</StatusIndicator>;
    case 'failed':
      return (
        <StatusIndicator type="error">
          Not invited: {failureReason(result.code)} ({result.code})
        </StatusIndicator>
      );
    case 'error':
      return <StatusIndicator type="error">Error: {result.detail}</StatusIndicator>;
  }
}

export function CsvImportDialog({ tenantId, onClose }: { readonly tenantId: string; readonly onClose: () => void }) {
  const client = useQueryClient();
  const roles = useRolesOfScope(tenantId, 'tenant');
  const [files, setFiles] = useState<File[]>([]);
  const [text, setText] = useState<string | undefined>();
  const [results, setResults] = useState<Map<number, RowResult>>(new Map());
  const [progress, setProgress] = useState<{ done: number; total: number } | undefined>();
  const [sending, setSending] = useState(false);
  const [loadError, setLoadError] = useState<unknown>();

  const choose = async (chosen: File[]) => {
    setFiles(chosen);
    setText(undefined);
    setResults(new Map());
    setProgress(undefined);
    setLoadError(undefined);
    const file = chosen[0];
    if (!file) return;
    try {
      setText(await file.text());
    } catch (error) {
      setLoadError(error);
    }
  };
  // Rows are judged against the tenant's roles, once they are known.
  const parsed = useMemo(
    () => (text === undefined || !roles.data ? { rows: [] } : parseImport(text, roles.data)),
    [text, roles.data],
  );
  const rows = parsed.rows;
  const fileError =
    parsed.error ??
    (text !== undefined && roles.data && rows.length === 0 ? 'The file has no rows below its header.' : undefined);

  const send = async () => {
    const batches = batchesOf(rows);
    const total = batches.reduce((sum, batch) => sum + batch.length, 0);
    if (total === 0) return;
    setSending(true);
    setProgress({ done: 0, total });
    const next = new Map<number, RowResult>();
    for (const batch of batches) for (const row of batch) next.set(row.line, { kind: 'waiting' });
    setResults(new Map(next));
    let done = 0;
    for (const batch of batches) {
      const [first] = batch;
      if (!first) continue;
      try {
        const outcome = await sendInvitations(tenantId, {
          emails: batch.map((row) => row.email),
          roles: [{ roleId: first.roleId }],
          expiresInDays: first.days,
        });
        const created = new Set(outcome.created.map((invitation) => invitation.email.toLowerCase()));
        const failed = new Map(outcome.failed.map((failure) => [failure.email.toLowerCase(), failure.code]));
        for (const row of batch) {
          const email = row.email.toLowerCase();
          const code = failed.get(email);
          next.set(
            row.line,
            created.has(email)
              ? { kind: 'created' }
              : code
                ? { kind: 'failed', code }
                : { kind: 'error', detail: outcome.problem?.message ?? 'The API did not answer for this address.' },
          );
        }
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        for (const row of batch) next.set(row.line, { kind: 'error', detail });
      }
      done += batch.length;
      setResults(new Map(next));
      setProgress({ done, total });
    }
    setSending(false);
    await refreshPeople(client, tenantId);
  };

  const sendable = rows.filter((row) => !row.invalid).length;
  const finished = progress !== undefined && progress.done === progress.total && !sending;
  const invited = [...results.values()].filter((result) => result.kind === 'created').length;
  const refused = [...results.values()].filter((result) => result.kind === 'failed' || result.kind === 'error').length;

  return (
    <Modal
      visible
      size="x-large"
      onDismiss={() => {
        if (!sending) onClose();
      }}
      closeAriaLabel="Close the CSV import"
      header="Import invitations from CSV"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose} disabled={sending}>
              {finished ? 'Close' : 'Cancel'}
            </Button>
            <Button
              variant="primary"
              onClick={() => void send()}
              loading={sending}
              disabled={sendable === 0 || finished || Boolean(fileError)}
            >
              {sendable === 1 ? 'Send 1 invitation' : `Send ${sendable} invitations`}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="l">
        <ProblemAlert error={loadError ?? roles.error} />
        <FormField
          label="CSV file"
          description='A header row with "email" and optionally "role" (a role name, Member when absent) and "expiresInDays" (1-30, 7 when absent).'
          errorText={fileError}
        >
          <FileUpload
            value={files}
            onChange={({ detail }) => void choose(detail.value)}
            accept=".csv,text/csv"
            showFileSize
            constraintText="One .csv file"
            i18nStrings={{
              uploadButtonText: () => 'Choose file',
              dropzoneText: () => 'Drop a CSV file to upload',
              removeFileAriaLabel: (_, name) => `Remove ${name}`,
              errorIconAriaLabel: 'Error',
              warningIconAriaLabel: 'Warning',
            }}
          />
        </FormField>
        {progress ? (
          <ProgressBar
            label="Sending invitations"
            value={progress.total ? Math.round((progress.done / progress.total) * 100) : 100}
            status={finished ? 'success' : 'in-progress'}
            additionalInfo={`${progress.done} of ${progress.total} rows sent`}
            resultText={`${invited} invited, ${refused} not invited`}
          />
        ) : null}
        {rows.length ? (
          <Table<ImportRow>
            variant="embedded"
            items={rows}
            trackBy="line"
            header={
              <Header variant="h3" counter={`(${rows.length})`}>
                Rows
              </Header>
            }
            columnDefinitions={[
              { id: 'line', header: 'Line', cell: (row) => row.line },
              { id: 'email', header: 'Email', cell: (row) => row.email || '—', isRowHeader: true },
              { id: 'role', header: 'Role', cell: (row) => row.roleLabel },
              { id: 'days', header: 'Link valid (days)', cell: (row) => (Number.isFinite(row.days) ? row.days : '—') },
              {
                id: 'result',
                header: 'Result',
                cell: (row) => <ResultCell row={row} result={results.get(row.line)} />,
              },
            ]}
          />
        ) : null}
      </SpaceBetween>
    </Modal>
  );
}
