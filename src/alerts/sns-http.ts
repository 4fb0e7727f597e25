/**
 * The two HTTP calls SNS asks of a subscriber, as plain functions the route takes by injection
 * (tests hand in ones that reach a local server): fetch the PEM at a SigningCertURL, and visit
 * a SubscribeURL to confirm a subscription. Callers check both URLs against the trusted host
 * pattern first (sns-signature.ts); these only bound the time and size of the exchange.
 */

export type FetchCert = (url: string) => Promise<string>;
export type ConfirmSubscription = (url: string) => Promise<void>;

const TIMEOUT_MS = 5000;
/** A PEM certificate is a few KB; anything much larger is not one. */
const MAX_CERT_BYTES = 64 * 1024;

export const fetchSnsCertificate: FetchCert = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_CERT_BYTES || !text.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`GET ${url}: not a PEM certificate`);
  return text;
};

export const confirmSnsSubscription: ConfirmSubscription = async (url) => {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`GET SubscribeURL: HTTP ${res.status}`);
};
