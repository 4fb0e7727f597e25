/**
 * The organisation Cordon acts in (README "Organisation"): which member accounts and regions
 * it may contain instances in, the role it assumes in each, and where evidence goes. Given
 * inline as JSON (`CORDON_ACCOUNTS`) or as a JSON/YAML file (`CORDON_ACCOUNTS_FILE`), validated
 * by zod once when the configuration is loaded, so a bad document is one of the invalid
 * settings printed at start (each problem names its path in the document).
 *
 * Invariants: unknown keys are refused (a typo must not silently drop an account); a role ARN
 * names the account it is listed under; the Cordon account itself (`home`) is never listed
 * under `accounts` — it acts with the default credential chain, never through a role; every
 * listed account allows at least one region. Without a document, Cordon acts in its own
 * account and `AWS_REGION` only.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { z } from 'zod';

const ACCOUNT = /^\d{12}$/;
const account = z.string().regex(ACCOUNT, 'expected a 12-digit AWS account id');
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region code such as eu-west-1');
const regions = z
  .array(region)
  .min(1, 'list at least one region')
  .refine((r) => new Set(r).size === r.length, 'a region is listed twice');
/** STS: 2–1224 characters of [\w+=,.@:/-]. */
const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected 2–1224 characters of letters, digits and +=,.@:/-');
const roleArn = z
  .string()
  .regex(
    /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    'expected a role ARN, e.g. arn:aws:iam::222233334444:role/CordonResponder',
  );

export const organisationSchema = z
  .object({
    /** The responder role's name in every member account (its ARN is built from the account id). */
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name')
      .default('CordonResponder'),
    /** The external id every AssumeRole sends (the trust policy's sts:ExternalId condition); per account overridable. */
    externalId: externalId.optional(),
    sessionDurationSeconds: z.number().int().min(900).max(43_200).default(3600),
    /** Credentials are assumed again this long before they expire. */
    refreshBeforeSeconds: z.number().int().min(60).max(1800).default(600),
    /** Snapshots are shared with this account (createVolumePermission) and tagged so. */
    forensicAccount: account.optional(),
    /** The Cordon (security) account: default credential chain; its id is asked of STS unless given. */
    home: z.object({ account: account.optional(), regions: regions.optional() }).strict().default({}),
    accounts: z
      .record(
        z.string(),
        z
          .object({
            regions,
            roleArn: roleArn.optional(),
            externalId: externalId.optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict()
  .superRefine((doc, ctx) => {
    for (const [id, entry] of Object.entries(doc.accounts)) {
      if (!ACCOUNT.test(id))
        ctx.addIssue({ code: 'custom', path: ['accounts', id], message: 'expected a 12-digit AWS account id as the key' });
      const named = entry.roleArn?.split(':')[4];
      if (named && named !== id)
        ctx.addIssue({ code: 'custom', path: ['accounts', id, 'roleArn'], message: `the role ARN names account ${named}, not ${id}` });
      if (doc.home.account === id)
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', id],
          message: 'this is the Cordon account (home.account): it uses the default credential chain; list its regions under home.regions',
        });
    }
    if (doc.refreshBeforeSeconds >= doc.sessionDurationSeconds)
      ctx.addIssue({ code: 'custom', path: ['refreshBeforeSeconds'], message: 'must be shorter than sessionDurationSeconds' });
  });

export type OrganisationDocument = z.infer<typeof organisationSchema>;

/** One member account as Cordon acts in it. */
export interface MemberAccount {
  account: string;
  roleArn: string;
  externalId?: string;
  regions: string[];
}

/** The resolved organisation: role ARNs built, the home regions defaulted. */
export interface Organisation {
  home: { account?: string; regions: string[] };
  members: MemberAccount[];
  forensicAccount?: string;
  sessionDurationSeconds: number;
  refreshBeforeSeconds: number;
  /** Where the document came from (`CORDON_ACCOUNTS`, a file path, or `default`). */
  source: string;
}

/** Parses a document (already JSON/YAML-decoded); problems name their path under `label`. */
export function parseOrganisation(doc: unknown, label: string): { document: OrganisationDocument } | { problems: string[] } {
  const parsed = organisationSchema.safeParse(doc);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => `${label}: ${i.path.join('.') || '(root)'}: ${i.message}`) };
  return { document: parsed.data };
}

function addProblems(ctx: z.RefinementCtx, problems: string[]): never {
  for (const message of problems) ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

/** The zod transform of CORDON_ACCOUNTS (inline JSON). */
export function readInlineOrganisation(
  text: string | undefined,
  ctx: z.RefinementCtx,
): { source: string; document: OrganisationDocument } | undefined {
  if (!text) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return addProblems(ctx, [`not valid JSON: ${(err as Error).message.split('\n')[0]}`]);
  }
  const r = parseOrganisation(doc, 'document');
  return 'problems' in r ? addProblems(ctx, r.problems) : { source: 'CORDON_ACCOUNTS', document: r.document };
}

/** The zod transform of CORDON_ACCOUNTS_FILE (JSON or YAML file). */
export function readOrganisationFile(
  file: string | undefined,
  ctx: z.RefinementCtx,
): { source: string; document: OrganisationDocument } | undefined {
  if (!file) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return addProblems(ctx, [`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    return addProblems(ctx, [`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`]);
  }
  const r = parseOrganisation(doc, file);
  return 'problems' in r ? addProblems(ctx, r.problems) : { source: file, document: r.document };
}

/** Resolves a document: each member's role ARN (override or `roleName`), the home regions (default: the worker's region). */
export function resolveOrganisation(
  given: { source: string; document: OrganisationDocument } | undefined,
  homeRegion: string,
): Organisation {
  const doc = given?.document ?? organisationSchema.parse({});
  return {
    home: { account: doc.home.account, regions: doc.home.regions ?? [homeRegion] },
    members: Object.entries(doc.accounts).map(([id, a]) => ({
      account: id,
      regions: a.regions,
      roleArn: a.roleArn ?? `arn:aws:iam::${id}:role/${doc.roleName}`,
      externalId: a.externalId ?? doc.externalId,
    })),
    forensicAccount: doc.forensicAccount,
    sessionDurationSeconds: doc.sessionDurationSeconds,
    refreshBeforeSeconds: doc.refreshBeforeSeconds,
    source: given?.source ?? 'default',
  };
}

type Given = { source: string; document: OrganisationDocument } | undefined;
/** The organisation a loaded configuration describes (loadConfig has refused both sources at once). */
export function organisationFromConfig(config: {
  CORDON_ACCOUNTS?: Given;
  CORDON_ACCOUNTS_FILE?: Given;
  AWS_REGION: string;
}): Organisation {
  return resolveOrganisation(config.CORDON_ACCOUNTS ?? config.CORDON_ACCOUNTS_FILE, config.AWS_REGION);
}
