/**
 * Evidence of one incident, through the API only: the manifest with every artifact's hashes
 * and the chain heads anchored in the incident's history; verification that recomputes every
 * hash and link from the stored bytes and compares each chain with those anchors; and the
 * export for investigators, streamed back as one `.tar.gz`. Readers: auditor, dpo, responder
 * (and admin); everyone else gets 403. The caller's authenticated identity — never a typed name —
 * is recorded in the chain of custody (verify and export each add an entry), and the head that
 * entry makes is signalled to the incident's workflow so it is anchored too. Auditors hold no
 * store credential: only the API and the workers write the store.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  EvidenceNotFoundError,
  exportIncident,
  readAudit,
  readManifest,
  recordCustody,
  verifyIncident,
  type ArtifactEntry,
  type CustodyEntry,
  type EvidenceAnchors,
  type EvidenceStore,
} from '../../evidence';
import type { IncidentService } from '../../temporal/incident-service';
import { operator } from '../auth/role-guard';
import { notFound } from '../errors';
import { incidentParams } from './params';

// No body, or JSON null, is no note.
const noteBody = z
  .object({ note: z.string().trim().min(1).max(500).optional() })
  .strict()
  .nullish();

type Anchoring = Pick<IncidentService, 'evidenceHeads' | 'anchorEvidence'>;

const readers = { roles: ['auditor', 'dpo', 'responder'], refusal: 'may not read evidence (auditor, dpo, responder or admin)' } as const;

/** The anchors from the incident's history, or why there are none. */
async function anchorsOf(incidents: Anchoring, id: string): Promise<{ anchors?: EvidenceAnchors; anchorsUnavailable?: string }> {
  try {
    const heads = await incidents.evidenceHeads(id);
    if (!heads)
      return {
        anchorsUnavailable: `no workflow history for ${id} (never opened here, or past Temporal's retention): only the chains' internal consistency was checked`,
      };
    return { anchors: heads };
  } catch (err) {
    return {
      anchorsUnavailable: `the incident's history could not be queried (${(err as Error).message}): only the chains' internal consistency was checked`,
    };
  }
}

export const evidenceRoutes: FastifyPluginAsyncZod<{ store: EvidenceStore; incidents: Anchoring }> = async (app, { store, incidents }) => {
  app.get('/incidents/:id/evidence', { config: readers, schema: { params: incidentParams } }, async (request) => {
    const { id } = request.params;
    const manifest = await readManifest(store, id);
    const audit = await readAudit(store, id);
    if (!manifest.length && !audit.length) throw notFound(`no evidence for ${id}`);
    const artifacts = manifest
      .filter((e): e is ArtifactEntry => e.kind === 'artifact')
      .map((a) => ({
        seq: a.seq,
        name: a.name,
        sha256: a.sha256,
        size: a.size,
        mediaType: a.mediaType,
        source: a.source,
        collector: a.collector,
        collectedAt: a.collectedAt,
        account: a.account,
        region: a.region,
        location: a.location,
        key: a.key,
        versionId: a.versionId,
        checksumSha256: a.checksumSha256,
        entryHash: a.hash,
        prevHash: a.prevHash,
        detail: a.detail,
      }));
    const custody = manifest.filter((e): e is CustodyEntry => e.kind === 'custody');
    const { anchors, anchorsUnavailable } = await anchorsOf(incidents, id);
    return {
      incidentId: id,
      store: store.location,
      artifacts,
      custody,
      manifest: { entries: manifest.length, head: manifest[manifest.length - 1]?.hash ?? null },
      audit: { entries: audit.length, head: audit[audit.length - 1]?.hash ?? null },
      anchors: anchors ?? null,
      ...(anchorsUnavailable ? { anchorsUnavailable } : {}),
    };
  });

  app.post('/incidents/:id/evidence/verify', { config: readers, schema: { params: incidentParams, body: noteBody } }, async (request) => {
    const identity = operator(request);
    const { id } = request.params;
    const why = request.body?.note;
    const anchoring = await anchorsOf(incidents, id);
    const report = await verifyIncident(store, id, anchoring);
    if (!report.found) throw notFound(`no evidence for ${id}`);
    const custody = await recordCustody(store, id, {
      action: 'access',
      by: identity.name,
      note: why ?? `verified through the API: ${report.ok ? 'intact' : 'broken'}`,
      detail: {
        via: 'api',
        requestId: request.id,
        roles: identity.roles,
        manifestHead: report.manifest.head ?? null,
        auditHead: report.audit.head ?? null,
        ok: report.ok,
        anchorsChecked: report.anchors.checked,
      },
    });
    const anchored = await incidents.anchorEvidence(id, {
      log: 'manifest',
      seq: custody.seq,
      hash: custody.hash,
      via: `api verify by ${identity.name}`,
    });
    return { ...report, custodySeq: custody.seq, custodyAnchored: anchored };
  });

  app.post(
    '/incidents/:id/evidence/export',
    { config: readers, schema: { params: incidentParams, body: noteBody } },
    async (request, reply) => {
      const identity = operator(request);
      const { id } = request.params;
      const why = request.body?.note;
      const anchoring = await anchorsOf(incidents, id);
      const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'cordon-export-'));
      const folder = path.join(work, `${id}-evidence`);
      try {
        const result = await exportIncident(store, id, folder, {
          by: identity.name,
          note: why ?? `exported through the API (request ${request.id})`,
          ...anchoring,
        });
        await incidents.anchorEvidence(id, {
          log: 'manifest',
          seq: result.custody.seq,
          hash: result.custody.hash,
          via: `api export by ${identity.name}`,
        });
        const body = fs.createReadStream(result.archive.path);
        body.on('close', () => void fsp.rm(work, { recursive: true, force: true }));
        return reply
          .header('content-type', 'application/gzip')
          .header('content-disposition', `attachment; filename="${path.basename(result.archive.path)}"`)
          .header('x-cordon-archive-sha256', result.archive.sha256)
          .header('x-cordon-verified', result.report.ok ? 'intact' : 'broken')
          .header('x-cordon-custody-seq', String(result.custody.seq))
          .send(body);
      } catch (err) {
        await fsp.rm(work, { recursive: true, force: true });
        if (err instanceof EvidenceNotFoundError) throw notFound(`no evidence for ${id}`);
        throw err;
      }
    },
  );
};
