/**
 * Audit log (SPEC §11, journey 7): entries newest first with "Load more", filters (user, target, action
 * type, date range) that the API combines (actor or target, with an action prefix, within a date range; it
 * refuses other combinations and says why), each entry's changes before/after, a CSV export of the current
 * filter (audit:export) and the integrity of the hash chain. Only for holders of audit:read.
 */
import Autosuggest from '@cloudscape-design/components/autosuggest';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import DateRangePicker, { type DateRangePickerProps } from '@cloudscape-design/components/date-range-picker';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useMe, useWorkspace } from '../../app/workspace';
import { ProblemAlert } from '../commons/problem-alert';
import { actionOption, actionOptions, actorLabel, columnDefinitions } from './audit-config';
import {
  type AuditEntry,
  type AuditFilter,
  auditKey,
  useAuditLog,
  useCreateExport,
  useMemberSearch,
  useResolveActor,
} from './audit-queries';
import { EntryDetail } from './entry-detail';
import { ExportButton, ExportStatus } from './export-panel';
import { IntegrityBadge } from './integrity-badge';

const rangeI18n: DateRangePickerProps.I18nStrings = {
  ariaLabel: 'Date range',
  applyButtonLabel: 'Apply',
  cancelButtonLabel: 'Cancel',
  clearButtonLabel: 'Clear',
  startDateLabel: 'Start date',
  startTimeLabel: 'Start time',
  endDateLabel: 'End date',
  endTimeLabel: 'End time',
  startMonthLabel: 'Start month',
  endMonthLabel: 'End month',
  dateTimeConstraintText: 'For a date, use YYYY/MM/DD. For a time, use 24-hour format.',
  errorIconAriaLabel: 'Error',
  todayAriaLabel: 'Today',
  nextMonthAriaLabel: 'Next month',
  previousMonthAriaLabel: 'Previous month',
  formatRelativeRange: () => '',
  formatUnit: (unit) => unit,
};

function validRange(value: DateRangePickerProps.Value | null): DateRangePickerProps.ValidationResult {
  if (!value) return { valid: true };
  if (value.type !== 'absolute' || !value.startDate || !value.endDate) {
    return { valid: false, errorMessage: 'Choose a start and an end.' };
  }
  if (Date.parse(value.startDate) > Date.parse(value.endDate)) {
    return { valid: false, errorMessage: 'The end must not be before the start.' };
  }
  return { valid: true };
}

const isoOf = (value: string) => new Date(value).toISOString();

function UserFilter(props: {
  readonly tenantId: string;
  readonly canSearchMembers: boolean;
  readonly text: string;
  readonly onText: (text: string) => void;
  readonly actorId: string | undefined;
  readonly onActor: (actorId: string | undefined) => void;
}) {
  const members = useMemberSearch(props.tenantId, props.text, props.canSearchMembers);
  const resolve = useResolveActor(props.tenantId);
  const items = members.data?.items ?? [];
  return (
    <FormField
      label="User"
      description={props.canSearchMembers ? 'Email of a member, or a user id' : 'A user id'}
      errorText={resolve.error ? resolve.error.message : undefined}
    >
      <Autosuggest
        value={props.text}
        placeholder={props.canSearchMembers ? 'Search by email' : 'Paste a user id'}
        ariaLabel="User"
        options={items.map((member) => ({
          value: member.memberId,
          label: member.email,
          ...(member.displayName ? { description: member.displayName } : {}),
        }))}
        statusType={members.isFetching ? 'loading' : 'finished'}
        loadingText="Searching members"
        filteringType="manual"
        enteredTextLabel={(value) => `Use the user id "${value}"`}
        empty={props.canSearchMembers ? 'No member matches' : undefined}
        clearAriaLabel="Clear user"
        onChange={({ detail }) => {
          props.onText(detail.value);
          resolve.reset();
          if (!detail.value.trim() && props.actorId) props.onActor(undefined);
        }}
        onSelect={({ detail }) => {
          const member = items.find((candidate) => candidate.memberId === detail.selectedOption?.value);
          if (member) {
            props.onText(member.email);
            resolve.mutate(member, { onSuccess: ({ actorId }) => props.onActor(actorId) });
          } else if (detail.value.trim()) {
            props.onActor(detail.value.trim());
          }
        }}
      />
    </FormField>
  );
}

function AuditLog() {
  const { tenantId, can } = useWorkspace();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<AuditFilter>({});
  const [userText, setUserText] = useState('');
  const [targetText, setTargetText] = useState('');
  const [range, setRange] = useState<DateRangePickerProps.Value | null>(null);
  const [opened, setOpened] = useState<AuditEntry | undefined>();
  const [exportId, setExportId] = useState<string | undefined>();
  const entries = useAuditLog(tenantId, filter);
  const createExport = useCreateExport(tenantId);
  const items = entries.error ? [] : (entries.data?.pages.flatMap((page) => page.items) ?? []);
  const update = (change: Partial<AuditFilter>) => setFilter((current) => ({ ...current, ...change }));
  const applyTarget = () => update({ targetId: targetText.trim() || undefined });
  const filtered = Object.values(filter).some(Boolean);

  const clear = () => {
    setFilter({});
    setUserText('');
    setTargetText('');
    setRange(null);
  };

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="Every administrative action in this workspace, newest first. Entries are chained by hash, so any change to the log is detected."
          actions={
            <SpaceBetween direction="horizontal" size="s" alignItems="center">
              <IntegrityBadge tenantId={tenantId} range={{ from: filter.from, to: filter.to }} />
              {can('audit:export') ? (
                <ExportButton tenantId={tenantId} filter={filter} create={createExport} onRequested={setExportId} />
              ) : null}
            </SpaceBetween>
          }
        >
          Audit log
        </Header>
      }
    >
      <SpaceBetween size="l">
        {can('audit:export') ? (
          <ExportStatus
            tenantId={tenantId}
            exportId={exportId}
            createError={createExport.error}
            onDismiss={() => {
              setExportId(undefined);
              createExport.reset();
            }}
          />
        ) : null}
        <Table<AuditEntry>
          items={items}
          loading={entries.isLoading}
          loadingText="Loading the audit log"
          trackBy="id"
          wrapLines
          columnDefinitions={columnDefinitions({
            details: (entry) => (
              <Button
                variant="inline-link"
                ariaLabel={`Details of ${entry.action} on ${entry.target.label}`}
                onClick={() => setOpened(entry)}
              >
                Details
              </Button>
            ),
          })}
          header={
            <Header
              variant="h2"
              counter={
                entries.data && !entries.error ? `(${items.length}${entries.hasNextPage ? '+' : ''})` : undefined
              }
              actions={
                <Button
                  iconName="refresh"
                  ariaLabel="Refresh the audit log"
                  loading={entries.isRefetching && !entries.isFetchingNextPage}
                  onClick={() => void queryClient.invalidateQueries({ queryKey: auditKey(tenantId) })}
                />
              }
            >
              Entries
            </Header>
          }
          filter={
            <SpaceBetween direction="horizontal" size="m" alignItems="end">
              <UserFilter
                tenantId={tenantId}
                canSearchMembers={can('users:read')}
                text={userText}
                onText={setUserText}
                actorId={filter.actorId}
                onActor={(actorId) => update({ actorId })}
              />
              <FormField label="Target" description="Id of a member, role, invitation…">
                <Input
                  value={targetText}
                  placeholder="Target id"
                  ariaLabel="Target"
                  type="search"
                  clearAriaLabel="Clear target"
                  onChange={({ detail }) => {
                    setTargetText(detail.value);
                    if (!detail.value.trim()) update({ targetId: undefined });
                  }}
                  onBlur={applyTarget}
                  onKeyDown={({ detail }) => {
                    if (detail.key === 'Enter') applyTarget();
                  }}
                />
              </FormField>
              <FormField label="Action type" description="A type (member.*) or one action">
                <Select
                  ariaLabel="Action type"
                  filteringType="auto"
                  filteringAriaLabel="Find an action"
                  filteringPlaceholder="Find an action"
                  selectedOption={actionOption(filter.action)}
                  options={actionOptions()}
                  onChange={({ detail }) => update({ action: detail.selectedOption.value || undefined })}
                />
              </FormField>
              <FormField label="Date range" description="When it happened">
                <DateRangePicker
                  value={range}
                  rangeSelectorMode="absolute-only"
                  relativeOptions={[]}
                  isValidRange={validRange}
                  i18nStrings={rangeI18n}
                  placeholder="Any time"
                  expandToViewport
                  onChange={({ detail }) => {
                    setRange(detail.value);
                    const value = detail.value?.type === 'absolute' ? detail.value : undefined;
                    update({
                      from: value ? isoOf(value.startDate) : undefined,
                      to: value ? isoOf(value.endDate) : undefined,
                    });
                  }}
                />
              </FormField>
              {filtered || userText || targetText ? <Button onClick={clear}>Clear filters</Button> : null}
            </SpaceBetween>
          }
          footer={
            entries.hasNextPage && !entries.error ? (
              <Box textAlign="center">
                <Button loading={entries.isFetchingNextPage} onClick={() => void entries.fetchNextPage()}>
                  Load more
                </Button>
              </Box>
            ) : undefined
          }
          empty={
            entries.error ? (
              <ProblemAlert error={entries.error} header="The audit log could not be filtered this way" />
            ) : (
              <Box textAlign="center" color="inherit">
                {filtered ? 'No entries match these filters.' : 'The audit log is empty.'}
              </Box>
            )
          }
        />
      </SpaceBetween>
      <EntryDetail
        entry={opened}
        onDismiss={() => setOpened(undefined)}
        onFilterActor={(entry) => {
          setUserText(actorLabel(entry));
          setTargetText('');
          update({ actorId: entry.actor.id, targetId: undefined });
          setOpened(undefined);
        }}
        onFilterTarget={(entry) => {
          setTargetText(entry.target.id);
          setUserText('');
          update({ targetId: entry.target.id, actorId: undefined });
          setOpened(undefined);
        }}
      />
    </ContentLayout>
  );
}

export default function AuditScreen() {
  const me = useMe();
  const { can } = useWorkspace();
  if (me.isLoading) return <Spinner size="large" />;
  if (!can('audit:read')) {
    return (
      <ContentLayout header={<Header variant="h1">Audit log</Header>}>
        <Box data-testid="no-audit-access">Your role does not let you see the audit log of this workspace.</Box>
      </ContentLayout>
    );
  }
  return <AuditLog />;
}
