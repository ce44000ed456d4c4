import { createTestPki } from '@ubom/testkit';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder with ca.crt and server.{crt,key} (PEM) for the HTTPS stand-ins. */
    certDir: string;
  }
}

/**
 * Makes a throw-away CA and one server certificate for 127.0.0.1, localhost and the Google token host
 * (reached through a local CONNECT proxy), and trusts the CA through NODE_EXTRA_CA_CERTS. Node reads
 * that variable only at start-up: it is set here, in the main process, before vitest forks the test
 * workers, which inherit it.
 */
export default function setup(project: TestProject): () => void {
  const pki = createTestPki({ caCommonName: 'ubom-serverless-test-ca' });
  pki.issue('server', {
    usage: 'server',
    cn: 'localhost',
    altNames: ['127.0.0.1', 'localhost', 'oauth2.googleapis.com'],
  });
  process.env.NODE_EXTRA_CA_CERTS = pki.caCert;
  project.provide('certDir', pki.dir);
  return () => pki.remove();
}
