import { httpHandler, json } from '../../shared/http/http-handler';
import * as invitationRoutes from '../../shared/http/routes/invitations';
import { optionalBearerIdentity } from '../../shared/identity/bearer';
import { identityDirectory } from '../../shared/identity/identity-directory';
import { acceptInvitation } from '../../shared/services/invitation-service';

/**
 * Public route (no API Gateway authorizer), because a new invitee has no account yet. An existing
 * account accepts by sending its token anyway; this function verifies it itself.
 */
export const handler = httpHandler(invitationRoutes.acceptInvitation, async ({ body, headers, meta, deps }) => {
  const identity = await optionalBearerIdentity(headers.authorization);
  const result = await acceptInvitation(deps, identityDirectory(), { ...body, identity }, meta);
  return json(200, result);
});
