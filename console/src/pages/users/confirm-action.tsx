/** The confirmation of suspend, reactivate and remove: it says what will happen, then asks the API. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useWorkspace } from '../../app/workspace';
import { ProblemAlert } from '../commons/problem-alert';
import { type MemberAction, useMemberAction } from './invitations-queries';
import { texts } from './member-actions';
import type { Member } from './users-queries';

export function ConfirmAction({
  action,
  member,
  onClose,
}: {
  readonly action: MemberAction;
  readonly member: Member;
  readonly onClose: () => void;
}) {
  const { tenantId } = useWorkspace();
  const mutation = useMemberAction(tenantId);
  const text = texts[action];
  return (
    <Modal
      visible
      onDismiss={onClose}
      closeAriaLabel="Close"
      header={text.title(member)}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="primary"
              loading={mutation.isPending}
              onClick={() => mutation.mutate({ action, memberId: member.memberId }, { onSuccess: onClose })}
            >
              {text.confirm}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {text.body(member)}
        <ProblemAlert error={mutation.error} header={`${text.label} refused`} />
      </SpaceBetween>
    </Modal>
  );
}
