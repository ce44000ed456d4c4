import { createHash, createHmac } from 'node:crypto';

/** The key a server offered during the handshake. */
export interface OfferedKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`… */
  type: string;
  /** `SHA256:…`, as `ssh-keygen -l` prints it. */
  fingerprint: string;
}

/** One usable line of a known_hosts file. */
export interface KnownHost {
  marker: '' | '@revoked' | '@cert-authority';
  patterns: string;
  type: string;
  key: Buffer;
}

/** `SHA256:` and the unpadded base64 of the SHA-256 of the key blob, like OpenSSH. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH public key blob. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);
  return length > 0 && length <= 64 && blob.length >= 4 + length
    ? blob.subarray(4, 4 + length).toString('latin1')
    : 'unknown';
}

export function describeOffered(blob: Buffer): OfferedKey {
  return { type: keyTypeOf(blob), fingerprint: fingerprintOf(blob) };
}

/** Parses known_hosts text: comments, blank and malformed lines are skipped. */
export function parseKnownHosts(text: string): KnownHost[] {
  const hosts: KnownHost[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const fields = raw.trim().split(/\s+/);
    if (fields.length < 3 || fields[0]?.startsWith('#')) continue;
    let marker: KnownHost['marker'] = '';
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields.shift() as KnownHost['marker'];
      if (fields.length < 3) continue;
    }
    const [patterns, type, base64] = fields as [string, string, string];
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) continue;
    const key = Buffer.from(base64, 'base64');
    // the blob names its own type: a line whose key is not what it says is not a key
    if (keyTypeOf(key) !== type) continue;
    hosts.push({ marker, patterns, type, key });
  }
  return hosts;
}

/** How known_hosts names a server: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function wildcard(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}

function matchesOne(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return wildcard(pattern.toLowerCase(), name.toLowerCase());
}

/** Whether a comma-separated pattern list (negations with `!`, hashed entries) names `name`. */
export function patternsMatch(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('!')) {
      if (matchesOne(pattern.slice(1), name)) return false;
    } else if (matchesOne(pattern, name)) matched = true;
  }
  return matched;
}

/** The known_hosts entries for a server (a port-22 server may also be listed as `[host]:22`). */
export function entriesFor(hosts: readonly KnownHost[], host: string, port: number): KnownHost[] {
  const names = port === 22 ? [host, `[${host}]:22`] : [knownHostsName(host, port)];
  return hosts.filter((entry) => names.some((name) => patternsMatch(entry.patterns, name)));
}

/** The host key algorithms to prefer for the key types known for a server, as OpenSSH orders them. */
export function preferredAlgorithms(entries: readonly KnownHost[]): string[] {
  const out: string[] = [];
  for (const { type, marker } of entries) {
    if (marker !== '') continue;
    const algorithms = type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
    for (const algorithm of algorithms) if (!out.includes(algorithm)) out.push(algorithm);
  }
  return out;
}

/** Where the host key policy came from: named in the refusal, with the config path to fix. */
export interface HostKeyPolicy {
  /** `executor_config.host_key`, `executor_config.jump_host.known_hosts`… */
  path: string;
  /** Accepted fingerprints (`host_key`), or known_hosts entries. */
  fingerprints?: readonly string[];
  knownHosts?: readonly KnownHost[];
  /** Shown in the message: `known_hosts`, `~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts`. */
  source: string;
  /** `insecure_accept_any_host_key`. */
  acceptAny?: boolean;
}

/** Why a server's key is refused, or `undefined` when it is accepted. */
export function hostKeyProblem(
  policy: HostKeyPolicy,
  blob: Buffer,
  host: string,
  port: number,
): string | undefined {
  if (policy.acceptAny) return undefined;
  const offered = describeOffered(blob);
  const shown = `${offered.type} ${offered.fingerprint}`;
  if (policy.fingerprints) {
    if (policy.fingerprints.some((f) => f.replace(/=$/, '') === offered.fingerprint)) return undefined;
    return `the server ${knownHostsName(host, port)} offered the host key ${shown}, which is not the one given (${policy.fingerprints.join(', ')}): refusing to connect. If the server's key really changed, check the new fingerprint out of band before trusting it.`;
  }
  const entries = entriesFor(policy.knownHosts ?? [], host, port);
  const same = (entry: KnownHost) => entry.key.equals(blob);
  if (entries.some((e) => e.marker === '@revoked' && same(e)))
    return `the server ${knownHostsName(host, port)} offered the host key ${shown}, which ${policy.source} marks @revoked: refusing to connect.`;
  const plain = entries.filter((e) => e.marker === '');
  if (plain.some(same)) return undefined;
  if (plain.length === 0)
    return `the host ${knownHostsName(host, port)} is not in ${policy.source}; the server offered ${shown}. Check that fingerprint out of band, then add the key to known_hosts or set host_key: "${offered.fingerprint}".`;
  return `the host key of ${knownHostsName(host, port)} does not match ${policy.source} (which lists ${plain.map((e) => e.type).join(', ')}): the server offered ${shown}. It may have been reinstalled, or someone is impersonating it: refusing to connect.`;
}
