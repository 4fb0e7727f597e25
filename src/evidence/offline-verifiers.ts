/**
 * The two verification scripts every export carries, so an investigator can check a case on a
 * machine without Cordon and without credentials: `verify.sh` (bash, sha256sum and jq) and
 * `verify.mjs` (plain Node ≥ 18, no packages). Both check, from the exported files alone: each
 * artifact's bytes against its manifest entry's sha256 and size, every chain link (seq, prevHash,
 * entry hash over the canonical JSON: keys sorted, no whitespace, without `hash`), and every
 * anchored head in `anchors.json` (the heads the incident's Temporal history holds): a missing
 * anchored seq is a cut chain, a different hash a rewritten one. Exit 0 intact, 1 broken.
 * Kept as plain text here (not generated) so what ships is what was reviewed and tested.
 */

export const VERIFY_SH = `#!/usr/bin/env bash
# Verifies this Cordon evidence export with only bash, sha256sum and jq. Exit 0 intact, 1 broken.
# Canonical JSON = jq -cS (keys sorted, compact); jq 1.6 escapes U+007F as \\u007f where Cordon
# writes the raw character, so an entry containing that character is reported: check it with verify.mjs.
set -uo pipefail
cd "$(dirname "$0")"
broken=0
say() { printf '%s\\n' "$*"; }
bad() { say "BROKEN: $*"; broken=1; }

for log in manifest audit; do
  prev=$(printf '0%.0s' $(seq 1 64))
  n=0
  while IFS= read -r line || [ -n "$line" ]; do
    [ -z "$line" ] && continue
    n=$((n + 1))
    seq=$(jq -r '.seq' <<<"$line")
    claimed=$(jq -r '.hash' <<<"$line")
    link=$(jq -r '.prevHash' <<<"$line")
    actual=$(jq -cSj 'del(.hash)' <<<"$line" | sha256sum | cut -d' ' -f1)
    [ "$seq" = "$n" ] || bad "$log line $n: seq $seq (an entry was deleted, inserted or reordered)"
    [ "$link" = "$prev" ] || bad "$log line $n: prevHash does not link to line $((n - 1))"
    [ "$actual" = "$claimed" ] || bad "$log line $n (seq $seq): content does not match its hash"
    prev=$claimed
  done < "$log.jsonl"
  say "$log: $n entries, head \${prev}"
done

# Artifacts: bytes against the manifest (not against SHA256SUMS, which is derived from it).
while IFS=$'\\t' read -r name want size; do
  file="artifacts/$name"
  if [ ! -f "$file" ]; then bad "artifact $name is missing"; continue; fi
  got=$(sha256sum "$file" | cut -d' ' -f1)
  [ "$got" = "$want" ] || bad "artifact $name: sha256 $got, manifest says $want"
  [ "$(wc -c < "$file" | tr -d ' ')" = "$size" ] || bad "artifact $name: size differs from the manifest"
done < <(jq -r 'select(.kind == "artifact") | [.name, .sha256, (.size | tostring)] | @tsv' manifest.jsonl)

# Anchors: the heads the incident's Temporal history holds.
if [ -f anchors.json ] && [ "$(jq -r '.available' anchors.json)" = "true" ]; then
  for log in manifest audit; do
    while IFS=$'\\t' read -r aseq ahash; do
      [ -z "$aseq" ] && continue
      found=$(jq -r --argjson s "$aseq" 'select(.seq == $s) | .hash' "$log.jsonl" | head -n1)
      if [ -z "$found" ]; then bad "$log: the history anchored seq $aseq but the chain has no such entry (cut)"
      elif [ "$found" != "$ahash" ]; then bad "$log seq $aseq: hash $found, the history anchored $ahash (rewritten)"; fi
    done < <(jq -r --arg l "$log" '.[$l][] | [(.seq | tostring), .hash] | @tsv' anchors.json)
  done
  say "anchors: checked"
else
  say "anchors: not available in this export; only internal consistency was checked"
fi

if [ "$broken" = 0 ]; then say "INTACT"; exit 0; else say "BROKEN"; exit 1; fi
`;

export const VERIFY_MJS = `// Verifies this Cordon evidence export with plain Node (>= 18), no packages. Exit 0 intact, 1 broken.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const read = (f) => readFileSync(join(here, f));
const sha256 = (b) => createHash('sha256').update(b).digest('hex');
const canonical = (v) => {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map((x) => canonical(x === undefined ? null : x)).join(',') + ']';
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}';
};
const problems = [];
const logs = {};
for (const log of ['manifest', 'audit']) {
  const lines = read(log + '.jsonl').toString('utf8').split('\\n').filter(Boolean);
  let prev = '0'.repeat(64);
  logs[log] = lines.map((line, i) => {
    const n = i + 1;
    let e;
    try { e = JSON.parse(line); } catch { problems.push(log + ' line ' + n + ': not JSON'); prev = undefined; return {}; }
    const { hash, ...rest } = e;
    if (e.seq !== n) problems.push(log + ' line ' + n + ': seq ' + e.seq + ' (an entry was deleted, inserted or reordered)');
    if (prev !== undefined && e.prevHash !== prev) problems.push(log + ' line ' + n + ': prevHash does not link to line ' + (n - 1));
    if (sha256(canonical(rest)) !== hash) problems.push(log + ' line ' + n + ' (seq ' + e.seq + '): content does not match its hash');
    prev = hash;
    return e;
  });
  console.log(log + ': ' + lines.length + ' entries, head ' + (prev ?? '-'));
}
for (const a of logs.manifest.filter((e) => e.kind === 'artifact')) {
  const file = join('artifacts', a.name);
  if (!existsSync(join(here, file))) { problems.push('artifact ' + a.name + ' is missing'); continue; }
  const bytes = read(file);
  if (sha256(bytes) !== a.sha256) problems.push('artifact ' + a.name + ': sha256 differs from the manifest');
  else if (bytes.length !== a.size) problems.push('artifact ' + a.name + ': size differs from the manifest');
}
const anchors = existsSync(join(here, 'anchors.json')) ? JSON.parse(read('anchors.json').toString('utf8')) : { available: false };
if (anchors.available) {
  for (const log of ['manifest', 'audit']) {
    for (const h of anchors[log] ?? []) {
      const e = logs[log].find((x) => x.seq === h.seq);
      if (!e) problems.push(log + ': the history anchored seq ' + h.seq + ' but the chain has no such entry (cut)');
      else if (e.hash !== h.hash) problems.push(log + ' seq ' + h.seq + ': hash ' + e.hash + ', the history anchored ' + h.hash + ' (rewritten)');
    }
  }
  console.log('anchors: checked');
} else {
  console.log('anchors: not available in this export; only internal consistency was checked');
}
for (const p of problems) console.log('BROKEN: ' + p);
console.log(problems.length ? 'BROKEN' : 'INTACT');
process.exit(problems.length ? 1 : 0);
`;
