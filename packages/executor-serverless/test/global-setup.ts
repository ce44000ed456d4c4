import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder with ca.crt and server.{crt,key} (PEM) for the HTTPS stand-ins. */
    certDir: string;
  }
}

const openssl = (dir: string, ...args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

/**
 * Makes a throw-away CA and one server certificate for 127.0.0.1, localhost and the Google token host
 * (reached through a local CONNECT proxy), and trusts the CA through NODE_EXTRA_CA_CERTS. Node reads
 * that variable only at start-up: it is set here, in the main process, before vitest forks the test
 * workers, which inherit it.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'ubom-serverless-certs-'));
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
  openssl(
    dir,
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=ubom-serverless-test-ca',
  );
  writeFileSync(
    join(dir, 'server.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:oauth2.googleapis.com\n',
  );
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.ec.key');
  openssl(dir, 'pkcs8', '-topk8', '-nocrypt', '-in', 'server.ec.key', '-out', 'server.key');
  openssl(dir, 'req', '-new', '-key', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  process.env.NODE_EXTRA_CA_CERTS = join(dir, 'ca.crt');
  project.provide('certDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
