import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPkiOptions {
  /** Folder the files go to (created if missing). Default: a fresh folder under the OS temp dir. */
  dir?: string;
  /** File stem of the CA: `<ca>.crt` and `<ca>.key`. Default `ca`. */
  ca?: string;
  /** Subject CN of the CA. Default `ubom-test-<ca>`. */
  caCommonName?: string;
  /** Validity of every certificate, in days. Default 2. */
  days?: number;
}

export interface IssueOptions {
  /** `serverAuth` or `clientAuth` extended key usage. */
  usage: 'server' | 'client';
  /** Subject CN. Default: the name. */
  cn?: string;
  /** Host names and IP addresses for subjectAltName, e.g. `['127.0.0.1', 'localhost']`. */
  altNames?: readonly string[];
}

/** Paths of an issued certificate (PEM) and its private key (PEM, PKCS#8). */
export interface IssuedCert {
  cert: string;
  key: string;
}

export interface TestPki {
  dir: string;
  /** Path of the CA certificate (PEM). */
  caCert: string;
  /** Path of the CA private key (PEM, PKCS#8). */
  caKey: string;
  /** Signs a leaf certificate `<dir>/<name>.crt` with key `<dir>/<name>.key`. */
  issue(name: string, options: IssueOptions): IssuedCert;
  /** Deletes `dir` and everything in it. */
  remove(): void;
}

const STEM = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkStem(what: string, stem: string): void {
  if (!STEM.test(stem)) throw new TypeError(`${what} must be a plain file stem, got ${JSON.stringify(stem)}`);
}

/**
 * A throw-away certificate authority made with the `openssl` CLI (P-256 keys), for tests that need
 * real TLS: servers with subjectAltName, clients for mutual TLS. Synchronous, so it fits a vitest
 * `globalSetup` or `beforeAll`. Two PKIs may share a `dir` when their `ca` stems differ (e.g. an
 * unrelated CA to check that a peer is refused).
 */
export function createTestPki(options: TestPkiOptions = {}): TestPki {
  const stem = options.ca ?? 'ca';
  checkStem('ca', stem);
  const days = String(options.days ?? 2);
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'ubom-test-pki-'));
  mkdirSync(dir, { recursive: true });
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const genKey = (file: string) =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file);

  const caCert = join(dir, `${stem}.crt`);
  const caKey = join(dir, `${stem}.key`);
  genKey(caKey);
  const caCn = options.caCommonName ?? `ubom-test-${stem}`;
  openssl('req', '-x509', '-new', '-key', caKey, '-out', caCert, '-days', days, '-subj', `/CN=${caCn}`);

  return {
    dir,
    caCert,
    caKey,
    issue(name, { usage, cn = name, altNames = [] }) {
      checkStem('name', name);
      const cert = join(dir, `${name}.crt`);
      const key = join(dir, `${name}.key`);
      const csr = join(dir, `${name}.csr`);
      const ext = join(dir, `${name}.ext`);
      const san = altNames.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      writeFileSync(
        ext,
        'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n' +
          `extendedKeyUsage=${usage === 'server' ? 'serverAuth' : 'clientAuth'}\n` +
          (san ? `subjectAltName=${san}\n` : ''),
      );
      genKey(key);
      openssl('req', '-new', '-key', key, '-out', csr, '-subj', `/CN=${cn}`);
      openssl(
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-out',
        cert,
        '-days',
        days,
        '-extfile',
        ext,
      );
      rmSync(csr, { force: true });
      rmSync(ext, { force: true });
      return { cert, key };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
