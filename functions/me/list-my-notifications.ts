import { httpHandler, json } from '../../shared/http/http-handler';
import * as meRoutes from '../../shared/http/routes/me';
import { notificationView } from '../../shared/http/views';
import { listMyNotifications } from '../../shared/services/notification-service';

export const handler = httpHandler(meRoutes.listMyNotifications, async ({ query, caller, deps }) => {
  const page = await listMyNotifications(deps, caller, {
    unread: query.unread === 'true',
    limit: query.limit,
    cursor: query.cursor,
  });
  return json(200, { items: page.items.map(notificationView), nextCursor: page.nextCursor });
});
