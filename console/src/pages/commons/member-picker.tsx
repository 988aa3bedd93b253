/**
 * Picks one member of the workspace by email (or name) prefix: an Autosuggest over `GET /members?q=`
 * (users:read). What was picked is reported with the member's id; typing again clears the pick.
 */
import Autosuggest from '@cloudscape-design/components/autosuggest';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ok } from '../../api/client';

export interface PickedMember {
  readonly memberId: string;
  readonly email: string;
}

export function useMemberSearch(tenantId: string, q: string) {
  const prefix = q.trim();
  return useQuery({
    queryKey: ['tenant', tenantId, 'members', 'search', prefix],
    queryFn: async () =>
      (
        await ok(
          api().GET('/v1/tenants/{tenantId}/members', {
            params: { path: { tenantId }, query: { q: prefix, limit: 20 } },
          }),
        )
      ).items,
    enabled: prefix.length > 0,
    placeholderData: keepPreviousData,
  });
}

export function MemberPicker({
  tenantId,
  onPick,
  exclude = [],
  ariaLabel,
}: {
  readonly tenantId: string;
  readonly onPick: (member: PickedMember | undefined) => void;
  /** Member ids not offered (e.g. those already in the group). */
  readonly exclude?: readonly string[];
  readonly ariaLabel?: string;
}) {
  const [text, setText] = useState('');
  const search = useMemberSearch(tenantId, text);
  const found = (search.data ?? []).filter((member) => !exclude.includes(member.memberId));
  return (
    <Autosuggest
      value={text}
      ariaLabel={ariaLabel}
      placeholder="Search by email or name"
      clearAriaLabel="Clear"
      enteredTextLabel={(value) => `Search for "${value}"`}
      hideEnteredTextOption
      filteringType="manual"
      statusType={search.isFetching ? 'loading' : search.error ? 'error' : 'finished'}
      loadingText="Searching members"
      errorText={search.error instanceof Error ? search.error.message : undefined}
      empty={text.trim() ? 'No member matches' : 'Type an email or a name'}
      options={found.map((member) => ({
        value: member.email,
        label: member.email,
        description: member.displayName ?? undefined,
        tags: [member.status],
      }))}
      onChange={({ detail }) => {
        setText(detail.value);
        onPick(undefined);
      }}
      onSelect={({ detail }) => {
        setText(detail.value);
        const member = found.find((candidate) => candidate.email === detail.value);
        onPick(member ? { memberId: member.memberId, email: member.email } : undefined);
      }}
    />
  );
}
