import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../src';

const pki = createTestPki();
const other = createTestPki({ dir: pki.dir, ca: 'other-ca' });
const server = pki.issue('server', {
  usage: 'server',
  cn: 'localhost',
  altNames: ['127.0.0.1', 'localhost'],
});
const client = pki.issue('client', { usage: 'client', cn: 'ubom-test-client' });
const read = (path: string) => readFileSync(path, 'utf8');
const x509 = (path: string) => new X509Certificate(read(path));

afterAll(() => pki.remove());

/** Mutual TLS to a server presenting `server`, trusting `pki`'s CA; resolves whether each side accepted. */
async function handshake(clientCa: string): Promise<{ clientOk: boolean; serverOk: boolean }> {
  let serverOk = false;
  const srv = createServer(
    { cert: read(server.cert), key: read(server.key), ca: read(pki.caCert), requestCert: true },
    (socket: TLSSocket) => {
      serverOk = socket.authorized;
      socket.end();
    },
  );
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  try {
    const { port } = srv.address() as AddressInfo;
    const socket = connect({
      host: '127.0.0.1',
      port,
      ca: read(clientCa),
      cert: read(client.cert),
      key: read(client.key),
      rejectUnauthorized: false,
    });
    await once(socket, 'secureConnect');
    const clientOk = socket.authorized;
    socket.on('error', () => {});
    await once(socket, 'close');
    return { clientOk, serverOk };
  } finally {
    srv.close();
  }
}

describe('createTestPki', () => {
  it('writes a CA and leaf certificates with PKCS#8 keys into one folder', () => {
    expect(pki.caCert).toBe(`${pki.dir}/ca.crt`);
    expect(server).toEqual({ cert: `${pki.dir}/server.crt`, key: `${pki.dir}/server.key` });
    expect(other.caCert).toBe(`${pki.dir}/other-ca.crt`);
    for (const key of [pki.caKey, server.key, client.key]) {
      expect(read(key)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    }
    expect(existsSync(`${pki.dir}/server.csr`)).toBe(false);
  });

  it('signs leaves with the CA, with the requested subject, SANs and extended key usage', () => {
    const ca = x509(pki.caCert);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=ubom-test-ca');
    const s = x509(server.cert);
    expect(s.ca).toBe(false);
    expect(s.checkIssued(ca)).toBe(true);
    expect(s.verify(ca.publicKey)).toBe(true);
    expect(s.subject).toBe('CN=localhost');
    expect(s.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(s.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    const c = x509(client.cert);
    expect(c.subject).toBe('CN=ubom-test-client');
    expect(c.subjectAltName).toBeUndefined();
    expect(c.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(c.checkIssued(x509(other.caCert))).toBe(false);
  });

  it('makes certificates node:tls accepts for mutual TLS, and an unrelated CA that it refuses', async () => {
    expect(await handshake(pki.caCert)).toEqual({ clientOk: true, serverOk: true });
    expect(await handshake(other.caCert)).toEqual({ clientOk: false, serverOk: true });
  });

  it('refuses a name that is not a plain file stem', () => {
    expect(() => pki.issue('../escape', { usage: 'server' })).toThrow(/plain file stem/);
    expect(() => createTestPki({ dir: pki.dir, ca: 'a/b' })).toThrow(/plain file stem/);
  });
});
