import { httpHandler, json } from '../../shared/http/http-handler';
import * as meRoutes from '../../shared/http/routes/me';
import { notificationView } from '../../shared/http/views';
import { markMyNotificationRead } from '../../shared/services/notification-service';

export const handler = httpHandler(meRoutes.markNotificationRead, async ({ params, caller, deps }) =>
  json(200, notificationView(await markMyNotificationRead(deps, caller, params.notificationId))),
);
