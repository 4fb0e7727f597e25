/**
 * Conditional GET for the API's reads, so the console can poll an incident every few seconds
 * cheaply and redraw only when something changed: every 200 answer to a GET under /v1 carries
 * a strong ETag (a hash of the body), and a request whose If-None-Match names it gets 304 with
 * no body (RFC 9110 §13.1.2, §15.4.5).
 *
 * Why polling and not server-sent events: EventSource cannot send the bearer header, so SSE
 * would need the token in the URL (it leaks to logs and history) or a cookie (which this API
 * deliberately does not have); a 3 s poll answered by 304 costs one query and ~200 bytes.
 * Invariants: authentication is untouched (the onRequest hook and each route's role check run
 * before this onSend hook, so a 304 is only ever sent to a caller who may read the body);
 * answers are per operator, so `private, no-cache` keeps them out of shared caches and makes a
 * browser revalidate.
 */
import type { FastifyInstance } from 'fastify';
import crypto from 'node:crypto';

/** True when an If-None-Match header names `etag` (or is `*`); weak comparison, as §13.1.2 asks for. */
export function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

export function registerConditionalGet(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' || !request.url.startsWith('/v1/') || reply.statusCode !== 200 || typeof payload !== 'string')
      return payload;
    const etag = `"${crypto.createHash('sha256').update(payload).digest('base64url').slice(0, 32)}"`;
    reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'authorization');
    if (!noneMatchHits(request.headers['if-none-match'], etag)) return payload;
    reply.code(304).removeHeader('content-type').removeHeader('content-length');
    return '';
  });
}
