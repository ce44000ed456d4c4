import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestPki } from '@ubom/testkit';

export interface Certs {
  /** A folder laid out like DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem (the client's). */
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here. */
  otherCa: string;
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl. */
export function makeCerts(): Certs {
  const pki = createTestPki();
  const other = createTestPki({ dir: pki.dir, ca: 'other-ca' });
  const server = pki.issue('server', { usage: 'server', altNames: ['127.0.0.1', 'localhost'] });
  const client = pki.issue('client', { usage: 'client' });
  const { dir } = pki;
  copyFileSync(pki.caCert, join(dir, 'ca.pem'));
  copyFileSync(client.cert, join(dir, 'cert.pem'));
  copyFileSync(client.key, join(dir, 'key.pem'));
  const read = (path: string) => readFileSync(path, 'utf8');
  return {
    dir,
    ca: read(pki.caCert),
    serverCert: read(server.cert),
    serverKey: read(server.key),
    clientCert: read(client.cert),
    clientKey: read(client.key),
    otherCa: read(other.caCert),
  };
}
