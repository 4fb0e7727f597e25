/**
 * The operator console: a few static files read once and served from memory (no CDN, works
 * air-gapped) under a strict Content-Security-Policy (no inline script, no other origin, no
 * framing); the page asks GET /v1/me (me.ts) who is signed in. The token lives in the tab's
 * sessionStorage and travels only as a bearer header, so there is no cookie to forge.
 * Invariant: only the listed asset names are served (a Map, so `toString`, `__proto__` and
 * other built-in member names are unknown assets, 404 like any other).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { notFound } from '../errors';

const assetsDir = path.resolve(__dirname, '..', '..', 'console', 'assets');
const assets = new Map<string, string>([
  ['index.html', 'text/html'],
  ['console.css', 'text/css'],
  ['console-charts.css', 'text/css'],
  ['console-lib.js', 'text/javascript'],
  ['console-charts.js', 'text/javascript'],
  ['console-incident.js', 'text/javascript'],
  ['console-profile.js', 'text/javascript'],
  ['console.js', 'text/javascript'],
]);

const asset = z.object({ file: z.string() });

export const consoleRoutes: FastifyPluginAsyncZod = async (app) => {
  const files = new Map([...assets.keys()].map((name) => [name, fs.readFileSync(path.join(assetsDir, name))]));
  const headers = {
    'content-security-policy':
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
  const open = { config: { public: true } } as const;
  app.get('/', open, async (_req, reply) => reply.redirect('/console'));
  app.get('/console', open, async (_req, reply) => reply.headers(headers).type(assets.get('index.html')!).send(files.get('index.html')));
  app.get('/console/:file', { ...open, schema: { params: asset } }, async (req, reply) => {
    const type = assets.get(req.params.file);
    if (!type) throw notFound('no such asset');
    return reply.headers(headers).type(type).send(files.get(req.params.file));
  });
};
