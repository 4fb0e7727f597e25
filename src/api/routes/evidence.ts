/**
 * Evidence of one incident: the manifest with every artifact's hashes, and verification that
 * recomputes every hash and link from the stored bytes. Readers: auditor, dpo, responder (and
 * admin); everyone else gets 403. Reading the list touches no evidence bytes; verifying reads
 * them all, so it is recorded as a chain-of-custody `access` entry naming the caller.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readAudit, readManifest, recordCustody, verifyIncident, type ArtifactEntry, type CustodyEntry, type EvidenceStore } from '../../evidence';
import { isIncidentId } from '../../temporal/incident-id';
import { hasRole, type Identity } from '../auth/operators';
import { badRequest, forbidden, notFound, zodIssues } from '../errors';
import { requireIdentity } from '../server';

const idParams = z.object({ id: z.string().refine(isIncidentId, 'not an incident id (inc-<account>-<region>-<instance>)') });
const verifyBody = z.object({ note: z.string().trim().min(1).max(500).optional() }).strict().optional();

function reader(request: Parameters<typeof requireIdentity>[0]): Identity {
  const identity = requireIdentity(request);
  if (!hasRole(identity, 'auditor', 'dpo', 'responder')) throw forbidden(`${identity.name} may not read evidence (auditor, dpo, responder or admin)`);
  return identity;
}

function incidentId(params: unknown): string {
  const parsed = idParams.safeParse(params);
  if (!parsed.success) throw badRequest('invalid path', zodIssues(parsed.error));
  return parsed.data.id;
}

export function registerEvidenceRoutes(app: FastifyInstance, store: EvidenceStore): void {
  app.get('/v1/incidents/:id/evidence', async (request) => {
    reader(request);
    const id = incidentId(request.params);
    const manifest = await readManifest(store, id);
    const audit = await readAudit(store, id);
    if (!manifest.length && !audit.length) throw notFound(`no evidence for ${id}`);
    const artifacts = manifest.filter((e): e is ArtifactEntry => e.kind === 'artifact').map((a) => ({
      seq: a.seq, name: a.name, sha256: a.sha256, size: a.size, mediaType: a.mediaType, source: a.source, collector: a.collector,
      collectedAt: a.collectedAt, location: a.location, entryHash: a.hash, prevHash: a.prevHash, detail: a.detail,
    }));
    const custody = manifest.filter((e): e is CustodyEntry => e.kind === 'custody');
    return {
      incidentId: id, store: store.location, artifacts, custody,
      manifest: { entries: manifest.length, head: manifest[manifest.length - 1]?.hash ?? null },
      audit: { entries: audit.length, head: audit[audit.length - 1]?.hash ?? null },
    };
  });

  app.post('/v1/incidents/:id/evidence/verify', async (request) => {
    const identity = reader(request);
    const id = incidentId(request.params);
    const body = verifyBody.safeParse(request.body ?? undefined);
    if (!body.success) throw badRequest('invalid body', zodIssues(body.error));
    const report = await verifyIncident(store, id);
    if (!report.found) throw notFound(`no evidence for ${id}`);
    const custody = await recordCustody(store, id, {
      action: 'access', by: identity.name, note: body.data?.note ?? `verified through the API: ${report.ok ? 'intact' : 'broken'}`,
      detail: { via: 'api', requestId: request.id, manifestHead: report.manifest.head ?? null, auditHead: report.audit.head ?? null, ok: report.ok },
    });
    return { ...report, custodySeq: custody.seq };
  });
}
