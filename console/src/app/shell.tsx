/**
 * The frame of every signed-in screen: top bar (tenant switcher, notifications bell, user menu), side
 * navigation of the workspace (entries follow the caller's permissions), and the screen itself.
 */
import AppLayout from '@cloudscape-design/components/app-layout';
import SideNavigation, { type SideNavigationProps } from '@cloudscape-design/components/side-navigation';
import Spinner from '@cloudscape-design/components/spinner';
import TopNavigation, { type TopNavigationProps } from '@cloudscape-design/components/top-navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { api, ok } from '../api/client';
import { signOut, useSignedInEmail } from '../auth/session';
import { ProblemAlert } from '../pages/commons/problem-alert';
import { type Me, useMe, workspaceOf } from './workspace';

/** Sends a signed-out visitor to the sign-in page, and back here afterwards. */
export function RequireSession() {
  const email = useSignedInEmail();
  const location = useLocation();
  if (!email) {
    const next = `${location.pathname}${location.search}`;
    return <Navigate to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <Outlet />;
}

/** Where a workspace opens for the caller: its Users screen when they may read members, else its Bots. */
export function workspaceHome(me: Me | undefined, tenantId: string): string {
  return `/t/${tenantId}/${workspaceOf(me, tenantId).can('users:read') ? 'users' : 'bots'}`;
}

/** `/`: the first active workspace (see `workspaceHome`), or the caller's own page when they have none. */
export function HomeRedirect() {
  const { data, error } = useMe();
  if (error) return <ProblemAlert error={error} />;
  if (!data) return <Spinner size="large" />;
  const first = data.memberships.find((membership) => membership.status === 'active');
  return <Navigate to={first ? workspaceHome(data, first.tenantId) : '/me'} replace />;
}

export const unreadNotificationsKey = ['me', 'notifications', 'unread'] as const;

/** Unread notifications of the caller (the first 100 are counted: the bell says "99+" beyond). */
export function useUnreadCount(): number {
  const { data } = useQuery({
    queryKey: unreadNotificationsKey,
    queryFn: () => ok(api().GET('/v1/me/notifications', { params: { query: { unread: 'true', limit: 100 } } })),
    refetchInterval: 30_000,
  });
  return data?.items.length ?? 0;
}

let lastTenantId: string | undefined;

export function Shell() {
  const email = useSignedInEmail();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const { tenantId: tenantInUrl } = useParams();
  // Pages outside a workspace (/me) keep the frame of the last one visited.
  if (tenantInUrl) lastTenantId = tenantInUrl;
  const tenantId = tenantInUrl ?? lastTenantId;
  const { data: me } = useMe();
  const unread = useUnreadCount();
  const workspace = tenantId ? workspaceOf(me, tenantId) : undefined;
  const active = useMemo(() => (me?.memberships ?? []).filter((membership) => membership.status === 'active'), [me]);

  const follow = useCallback(
    (event: CustomEvent<{ href?: string; external?: boolean }>) => {
      if (event.detail.href && !event.detail.external) {
        event.preventDefault();
        navigate(event.detail.href);
      }
    },
    [navigate],
  );

  const base = tenantId ? `/t/${tenantId}` : undefined;
  const items: SideNavigationProps.Item[] = [];
  if (base && workspace) {
    if (workspace.can('users:read')) items.push({ type: 'link', text: 'Users', href: `${base}/users` });
    if (workspace.can('users:read')) items.push({ type: 'link', text: 'Roles', href: `${base}/roles` });
    if (workspace.can('users:read')) items.push({ type: 'link', text: 'Groups', href: `${base}/groups` });
    items.push({ type: 'link', text: 'Bots', href: `${base}/bots` });
    if (workspace.can('audit:read')) items.push({ type: 'link', text: 'Audit log', href: `${base}/audit` });
    items.push({ type: 'divider' });
  }
  items.push({ type: 'link', text: 'My invitations and notifications', href: '/me' });

  const activeHref = items
    .filter((item): item is SideNavigationProps.Link => item.type === 'link')
    .map((item) => item.href)
    .filter((href) => location.pathname === href || location.pathname.startsWith(`${href}/`))
    .sort((a, b) => b.length - a.length)[0];

  // The same utilities while they show the same things: TopNavigation measures its items (a forced layout
  // of the whole page) whenever it is given new ones, which a navigation between screens would otherwise do.
  const tenantName = workspace?.membership?.tenantName;
  const identity = useMemo(() => ({ href: '/', title: 'Users & Roles', onFollow: follow }), [follow]);
  const utilities = useMemo(
    (): TopNavigationProps.Utility[] => [
      ...(active.length > 0
        ? [
            {
              type: 'menu-dropdown' as const,
              text: tenantName ?? 'Choose a workspace',
              ariaLabel: 'Switch workspace',
              title: 'Workspaces',
              items: active.map((membership) => ({
                id: membership.tenantId,
                text: membership.tenantName,
                href: workspaceHome(me, membership.tenantId),
              })),
              onItemFollow: follow,
            },
          ]
        : []),
      {
        type: 'button' as const,
        iconName: 'notification' as const,
        ariaLabel: unread > 0 ? `Notifications (${unread >= 100 ? '99+' : unread} unread)` : 'Notifications',
        badge: unread > 0,
        text: unread > 0 ? (unread >= 100 ? '99+' : String(unread)) : undefined,
        href: '/me',
        onFollow: follow,
      },
      {
        type: 'menu-dropdown' as const,
        text: email ?? '',
        iconName: 'user-profile' as const,
        items: [{ id: 'sign-out', text: 'Sign out' }],
        onItemClick: async ({ detail }) => {
          if (detail.id !== 'sign-out') return;
          await signOut();
          queryClient.clear();
          navigate('/sign-in');
        },
      },
    ],
    [active, tenantName, me, unread, email, follow, queryClient, navigate],
  );

  return (
    <>
      <div id="top-nav" style={{ position: 'sticky', top: 0, zIndex: 1002 }}>
        <TopNavigation identity={identity} utilities={utilities} />
      </div>
      <AppLayout
        headerSelector="#top-nav"
        toolsHide
        ariaLabels={{
          navigation: 'Workspace navigation',
          navigationClose: 'Close navigation',
          navigationToggle: 'Open navigation',
          notifications: 'Notifications',
        }}
        navigation={
          <SideNavigation
            header={{ text: workspace?.membership?.tenantName ?? 'Users & Roles', href: base ? `${base}/users` : '/' }}
            activeHref={activeHref}
            items={items}
            onFollow={follow}
          />
        }
        content={<Outlet />}
      />
    </>
  );
}
