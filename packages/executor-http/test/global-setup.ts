import { createTestPki } from '@ubom/testkit';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** ca.{crt,key}, server (127.0.0.1, localhost), named (api.test only), client, and other-ca.crt. */
    certDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const pki = createTestPki();
  createTestPki({ dir: pki.dir, ca: 'other-ca' });
  pki.issue('server', { usage: 'server', cn: 'localhost', altNames: ['localhost', '127.0.0.1'] });
  pki.issue('named', { usage: 'server', cn: 'api.test', altNames: ['api.test'] });
  pki.issue('client', { usage: 'client', cn: 'ubom-test-client' });
  project.provide('certDir', pki.dir);
  return () => pki.remove();
}
