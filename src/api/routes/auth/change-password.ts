import type { OpenAPIHono } from '@hono/zod-openapi';
import { PasswordChangeInputSchema } from '../../../core/users/input.js';
import { changeOwnPassword } from '../../../core/users/service.js';
import { loginSource } from '../../client-address.js';
import type { AppEnv } from '../../env.js';
import { defineRoute, serviceContext } from '../../openapi.js';

export const changePasswordRoute = defineRoute({
  method: 'post',
  path: '/v1/auth/password',
  operationId: 'changePassword',
  tags: ['Auth'],
  summary: 'Change your own password',
  description:
    'Needs the current password; a wrong one is a 400 naming `currentPassword` and counts towards the login brakes of the caller\'s address. Every access token of the account, this one included, stops working at once: log in again with the new password.',
  access: ['admin', 'regional_manager', 'affiliate', 'member'],
  request: { body: { required: true, content: { 'application/json': { schema: PasswordChangeInputSchema } } } },
  responses: {
    204: { description: 'The password is changed.' },
    429: { description: 'Too many failed attempts from this address.' },
  },
});

export function registerChangePassword(app: OpenAPIHono<AppEnv>) {
  return app.openapi(changePasswordRoute, async (c) => {
    await changeOwnPassword(serviceContext(c), c.req.valid('json'), loginSource(c));
    return c.body(null, 204);
  });
}
