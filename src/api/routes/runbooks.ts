/**
 * GET /v1/runbooks — every runbook Cordon can run (name, version, content hash, what it matches)
 * and the files refused at start with their line/column problems; GET /v1/runbooks/:name — one
 * runbook's definition. Read-only; any authenticated operator may read them.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RunbookLibrary } from '../../runbooks/runbook-library';
import { listView, viewOf } from '../../runbooks/runbook-views';
import { anyOperator } from '../auth/role-guard';
import { notFound } from '../errors';

export const runbookParams = z
  .object({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'not a runbook name (lower-case letters, digits and dashes)') })
  .strict();

export const runbookRoutes: FastifyPluginAsyncZod<{ library: RunbookLibrary }> = async (app, { library }) => {
  app.get('/runbooks', { config: { roles: anyOperator } }, async () => listView(library));
  app.get('/runbooks/:name', { config: { roles: anyOperator }, schema: { params: runbookParams } }, async (request) => {
    const entry = library.get(request.params.name);
    if (!entry) throw notFound(`no runbook ${request.params.name}`);
    return viewOf(entry);
  });
};
