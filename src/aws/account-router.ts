/**
 * Where Cordon acts for one incident (README "Organisation"): in the accused resource's account
 * and region. The Cordon account itself acts with the default credential chain (the worker's
 * own clients, or clients built alike for another allowed region); a member account through
 * sts:AssumeRole into its configured role, with the external id, a session name carrying the
 * incident id and a session tag naming it, so the member account's CloudTrail ties every call to
 * its incident. Credentials are cached per role and session and assumed again
 * `refreshBeforeSeconds` before they expire (the clients ask for them on every call, so a long
 * activity never signs with expired keys); clients per account, region and session are kept, at
 * most `maxSessions` of them (the least recently used is destroyed).
 * Refusals are typed: an account or region outside the configuration is AccountNotConfiguredError
 * (saying what to add where); AssumeRole refused, or Cordon's own credentials expired, is
 * AssumeRoleRefusedError (naming the role and the trust it needs). Transient STS errors
 * (throttling, 5xx, a dropped connection) are thrown as they come, for the caller to retry.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Organisation, MemberAccount } from '../config/organisation';
import { createAwsClients, destroyAwsClients, type AwsClients, type AwsCredentials } from './clients';

export class AccountNotConfiguredError extends Error {
  override name = 'AccountNotConfiguredError';
}
export class AssumeRoleRefusedError extends Error {
  override name = 'AssumeRoleRefusedError';
  constructor(
    message: string,
    readonly roleArn: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** The clients one incident acts with, and where they act. */
export interface ActingClients {
  aws: AwsClients;
  account: string;
  region: string;
  /** `default credential chain`, or the role ARN assumed. */
  via: string;
}

/** The session an AssumeRole opens: its name carries the incident (or `doctor`), its tags name it. */
export interface SessionSpec {
  name: string;
  tags?: Record<string, string>;
}

/** One account and region Cordon is configured to act in. */
export interface ConfiguredScope {
  account: string;
  region: string;
  via: string;
  roleArn?: string;
}

export interface AccountRouterOptions {
  /** The default credential chain's clients in the worker's region (AWS_REGION). */
  home: AwsClients;
  organisation: Organisation;
  /** Clients for a region: with these credentials, or the default chain's when none (default: built like `home`). */
  build?(region: string, credentials?: AwsCredentials): AwsClients;
  now?: () => number;
  maxSessions?: number;
}

interface Assumed {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

const transientSts =
  /^(Throttling|ThrottlingException|RequestLimitExceeded|ServiceUnavailable|InternalError|InternalFailure|IDPCommunicationError)/;
const expiredSelf =
  /^(ExpiredToken|ExpiredTokenException|InvalidClientTokenId|TokenRefreshRequired|UnrecognizedClientException|SignatureDoesNotMatch)$/;
const TRUST_DOC = 'iam/responder-trust-policy.json';

/** STS role session names: 2–64 characters of [\w+=,.@-]. */
export function sessionName(name: string): string {
  return `cordon-${name}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export class AccountRouter {
  private readonly opts: Required<AccountRouterOptions>;
  private homeAccountId?: Promise<string>;
  private principal?: string;
  private readonly credentials = new Map<string, { value?: Assumed; pending?: Promise<Assumed> }>();
  private readonly sessions = new Map<string, AwsClients>();
  private readonly homeRegions = new Map<string, AwsClients>();

  constructor(options: AccountRouterOptions) {
    const { home } = options;
    this.opts = {
      maxSessions: 64,
      now: Date.now,
      build: (region, credentials) => createAwsClients({ ...home.options, region, credentials: credentials ?? home.options.credentials }),
      ...options,
    };
  }

  get organisation(): Organisation {
    return this.opts.organisation;
  }

  /** The Cordon account: configured, or asked of STS once (a failure is not cached). */
  homeAccount(): Promise<string> {
    const configured = this.opts.organisation.home.account;
    if (configured) return Promise.resolve(configured);
    this.homeAccountId ??= this.opts.home.sts.send(new GetCallerIdentityCommand({})).then((id) => {
      this.principal = id.Arn;
      if (!id.Account) throw new Error('STS GetCallerIdentity returned no account');
      return id.Account;
    });
    return this.homeAccountId.catch((err: unknown) => {
      this.homeAccountId = undefined;
      throw err;
    });
  }

  /** Every account and region the configuration allows, the Cordon account first. */
  async configured(): Promise<ConfiguredScope[]> {
    const org = this.opts.organisation;
    const home = await this.homeAccount();
    return [
      ...org.home.regions.map((region) => ({ account: home, region, via: 'default credential chain' })),
      ...org.members.flatMap((m) => m.regions.map((region) => ({ account: m.account, region, via: m.roleArn, roleArn: m.roleArn }))),
    ];
  }

  /** Why Cordon may not act in this account and region, or undefined when it may. */
  async refusal(where: { account: string; region: string }): Promise<string | undefined> {
    try {
      await this.scopeOf(where);
      return undefined;
    } catch (err) {
      if (err instanceof AccountNotConfiguredError) return err.message;
      throw err;
    }
  }

  /** The clients to act with in this account and region for one session (an incident, or the doctor). */
  async clientsFor(where: { account: string; region: string }, session: SessionSpec): Promise<ActingClients> {
    const scope = await this.scopeOf(where);
    if (scope.kind === 'home') {
      return { aws: this.homeClients(where.region), account: where.account, region: where.region, via: 'default credential chain' };
    }
    const member = scope.member;
    const name = sessionName(session.name);
    const credKey = `${member.roleArn}|${name}`;
    // Assumed now, not at the first call: a refused role fails the activity before it does anything.
    await this.assumed(credKey, member, name, session.tags ?? {});
    const key = `${member.account}|${where.region}|${name}`;
    let aws = this.sessions.get(key);
    if (aws) {
      this.sessions.delete(key);
    } else {
      aws = this.opts.build(where.region, () => this.assumed(credKey, member, name, session.tags ?? {}));
      this.evictBeyond(this.opts.maxSessions - 1);
    }
    this.sessions.set(key, aws);
    return { aws, account: member.account, region: where.region, via: member.roleArn };
  }

  /** Destroys every client this router built (not the home clients it was given). */
  close(): void {
    this.evictBeyond(0);
    for (const aws of this.homeRegions.values()) destroyAwsClients(aws);
    this.homeRegions.clear();
    this.credentials.clear();
  }

  private async scopeOf(where: { account: string; region: string }): Promise<{ kind: 'home' } | { kind: 'member'; member: MemberAccount }> {
    const org = this.opts.organisation;
    const configHint = org.source === 'default' ? 'CORDON_ACCOUNTS or CORDON_ACCOUNTS_FILE' : org.source;
    if (where.account === (await this.homeAccount())) {
      if (org.home.regions.includes(where.region)) return { kind: 'home' };
      throw new AccountNotConfiguredError(
        `region ${where.region} is not configured for the Cordon account ${where.account} (allowed: ${org.home.regions.join(', ')}): add it to home.regions in ${configHint} (README "Organisation"), restart the workers, then close this incident and send the alert again`,
      );
    }
    const member = org.members.find((m) => m.account === where.account);
    if (!member) {
      throw new AccountNotConfiguredError(
        `account ${where.account} (region ${where.region}) is not configured: add it to accounts in ${configHint} with its regions, create the responder role there with iam/responder-policy.json and ${TRUST_DOC} (README "Organisation"), restart the workers, then close this incident and send the alert again`,
      );
    }
    if (!member.regions.includes(where.region)) {
      throw new AccountNotConfiguredError(
        `region ${where.region} is not configured for account ${where.account} (allowed: ${member.regions.join(', ')}): add it to accounts.${where.account}.regions in ${configHint} (README "Organisation"), restart the workers, then close this incident and send the alert again`,
      );
    }
    return { kind: 'member', member };
  }

  private homeClients(region: string): AwsClients {
    if (region === this.opts.home.region) return this.opts.home;
    let aws = this.homeRegions.get(region);
    if (!aws) this.homeRegions.set(region, (aws = this.opts.build(region)));
    return aws;
  }

  private evictBeyond(size: number): void {
    while (this.sessions.size > size) {
      const [oldest, aws] = this.sessions.entries().next().value as [string, AwsClients];
      this.sessions.delete(oldest);
      destroyAwsClients(aws);
    }
  }

  /** Cached credentials for one role and session; assumed again when they are close to expiry. */
  private assumed(key: string, member: MemberAccount, name: string, tags: Record<string, string>): Promise<Assumed> {
    let entry = this.credentials.get(key);
    if (!entry) this.credentials.set(key, (entry = {}));
    const fresh = entry.value && entry.value.expiration.getTime() - this.opts.now() > this.opts.organisation.refreshBeforeSeconds * 1000;
    if (fresh) return Promise.resolve(entry.value!);
    if (entry.pending) return entry.pending;
    const slot = entry;
    slot.pending = this.assumeRole(member, name, tags)
      .then((value) => {
        slot.value = value;
        return value;
      })
      .finally(() => {
        slot.pending = undefined;
      });
    return slot.pending;
  }

  private async assumeRole(member: MemberAccount, name: string, tags: Record<string, string>): Promise<Assumed> {
    const org = this.opts.organisation;
    let out;
    try {
      out = await this.opts.home.sts.send(
        new AssumeRoleCommand({
          RoleArn: member.roleArn,
          RoleSessionName: name,
          ExternalId: member.externalId,
          DurationSeconds: org.sessionDurationSeconds,
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    } catch (err) {
      throw await this.classify(err, member);
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
      throw new AssumeRoleRefusedError(`AssumeRole into ${member.roleArn} returned no credentials`, member.roleArn, 'NoCredentials');
    // An answer without expiry is treated as lasting the session duration asked for.
    const expiration = c.Expiration ?? new Date(this.opts.now() + org.sessionDurationSeconds * 1000);
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration };
  }

  /** Cordon's own principal ARN, for messages; asked of STS once, best effort. */
  private async whoAmI(): Promise<string | undefined> {
    if (!this.principal) {
      try {
        this.principal = (await this.opts.home.sts.send(new GetCallerIdentityCommand({}))).Arn;
      } catch {
        // Expired or refused own credentials: the message names the principal generically.
      }
    }
    return this.principal;
  }

  private async classify(err: unknown, member: MemberAccount): Promise<Error> {
    const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const code = e.Code ?? e.name ?? 'Error';
    const status = e.$metadata?.httpStatusCode ?? 0;
    if (transientSts.test(code) || status >= 500 || status === 429 || status === 0) return err as Error;
    const who = (await this.whoAmI()) ?? "Cordon's principal (the worker's default credentials)";
    const trust = `the role's trust policy must allow ${who} to call sts:AssumeRole${member.externalId ? ' with the configured external id (sts:ExternalId)' : ''} and sts:TagSession (${TRUST_DOC}, README "Organisation")`;
    const why = expiredSelf.test(code)
      ? `failed: Cordon's own credentials are expired or invalid (${code}: ${e.message ?? ''}); renew them — and ${trust}`
      : `refused (${code}: ${e.message ?? ''}); ${trust}`;
    return new AssumeRoleRefusedError(`AssumeRole into ${member.roleArn} ${why}`, member.roleArn, code);
  }
}
