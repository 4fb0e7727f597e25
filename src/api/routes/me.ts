/** GET /v1/me: who the bearer token belongs to (name and roles), so the console can show who is signed in. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { anyOperator, operator } from '../auth/role-guard';

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/me', { config: { roles: anyOperator } }, async (request) => operator(request));
};
