/**
 * The floor for the ingest benchmark: a bare Fastify endpoint of the same framework and
 * version, with the same body limit and JSON parsing, that answers 202 and does nothing else.
 * Whatever Cordon's alert path costs on top of this is the price of auth, validation and dedup.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';

export async function startFloorServer(): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false, bodyLimit: 512 * 1024 });
  app.post('/floor/:source', async (request, reply) =>
    reply
      .status(202)
      .send({ accepted: [{ source: (request.params as { source: string }).source, bytes: JSON.stringify(request.body).length }] }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}
