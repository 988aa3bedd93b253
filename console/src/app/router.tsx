/**
 * Every screen of the console, one route each: a screen's code is `pages/<screen>/index.tsx`. Sign-in and
 * Users are in the initial bundle; the other screens are chunks loaded when first opened.
 */
import { createBrowserRouter, type LoaderFunctionArgs, Navigate, type RouteObject } from 'react-router';
import { SignInPage } from '../pages/sign-in';
import { UsersPage } from '../pages/users';
import { prefetchUsersView } from '../pages/users/users-queries';
import { queryClient } from './query-client';
import { HomeRedirect, RequireSession, Shell } from './shell';

const screen = (load: () => Promise<{ default: React.ComponentType }>): Pick<RouteObject, 'lazy'> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

/** The Users view's data starts loading when the route is chosen, not after the screen first renders. */
const prefetchUsers = ({ params }: LoaderFunctionArgs) => {
  if (params.tenantId) prefetchUsersView(queryClient, params.tenantId);
  return null;
};

export const routes: RouteObject[] = [
  { path: '/sign-in', element: <SignInPage /> },
  { path: '/accept-invite', ...screen(() => import('../pages/accept-invite')) },
  {
    element: <RequireSession />,
    children: [
      { path: '/', element: <HomeRedirect /> },
      {
        element: <Shell />,
        children: [
          { path: '/me', ...screen(() => import('../pages/me')) },
          { path: '/t/:tenantId', element: <Navigate to="users" replace /> },
          { path: '/t/:tenantId/users', element: <UsersPage />, loader: prefetchUsers },
          { path: '/t/:tenantId/users/invitations', element: <UsersPage /> },
          { path: '/t/:tenantId/roles', ...screen(() => import('../pages/roles')) },
          { path: '/t/:tenantId/roles/:roleId', ...screen(() => import('../pages/roles/role-detail')) },
          { path: '/t/:tenantId/groups', ...screen(() => import('../pages/groups')) },
          { path: '/t/:tenantId/groups/:groupId', ...screen(() => import('../pages/groups/group-detail')) },
          { path: '/t/:tenantId/bots', ...screen(() => import('../pages/bots')) },
          { path: '/t/:tenantId/bots/:botId', ...screen(() => import('../pages/bots/bot-access')) },
          { path: '/t/:tenantId/audit', ...screen(() => import('../pages/audit')) },
        ],
      },
    ],
  },
  { path: '*', element: <Navigate to="/" replace /> },
];

export const router = createBrowserRouter(routes);
