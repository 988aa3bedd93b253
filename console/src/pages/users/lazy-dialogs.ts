/**
 * The Users screen's dialogs and its Invitations tab, loaded when first opened: they bring date pickers,
 * the permission editor and the CSV parser, which the table itself does not need (the initial-bundle budget
 * of docs/PERFORMANCE.md, figure 11).
 */
import { lazy } from 'react';

export const InviteDialog = lazy(() => import('./invite-dialog').then((module) => ({ default: module.InviteDialog })));
export const CsvImportDialog = lazy(() =>
  import('./csv-import').then((module) => ({ default: module.CsvImportDialog })),
);
export const MemberEditDialog = lazy(() =>
  import('./member-edit-dialog').then((module) => ({ default: module.MemberEditDialog })),
);
export const ReassignDialog = lazy(() =>
  import('./reassign-dialog').then((module) => ({ default: module.ReassignDialog })),
);
export const InvitationsTab = lazy(() =>
  import('./invitations-table').then((module) => ({ default: module.InvitationsTab })),
);
export const ConfirmAction = lazy(() =>
  import('./confirm-action').then((module) => ({ default: module.ConfirmAction })),
);
