import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { docker, IMAGE } from './docker';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Every file of a tar stream, by name. */
async function untar(stream: Readable): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    const ex = extract();
    ex.on('entry', (header, entry, next) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        files.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    stream.pipe(ex);
  });
  return files;
}

export interface FakeRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  /** The repository it serves: `<host>/ubom/busybox` (tag `latest`). */
  repository: string;
  manifestDigest: string;
  /** Authorization headers of the requests it received. */
  authorizations: string[];
  manifestRequests: number;
  /** Blob responses wait until this resolves (to hold a pull mid-way). */
  holdBlobs: Promise<void> | undefined;
  close(): Promise<void>;
}

/**
 * A minimal Docker Registry HTTP API v2 over plain HTTP (the engine treats 127.0.0.0/8 as an insecure
 * registry): Basic auth, one repository `ubom/busybox:latest` made from the offline test image
 * (`docker save` → schema 2 manifest, config blob, gzipped layers).
 */
export async function startRegistry(credentials: {
  username: string;
  password: string;
}): Promise<FakeRegistry> {
  const saved = await untar((await docker.getImage(IMAGE).get()) as unknown as Readable);
  const [entry] = JSON.parse(String(saved.get('manifest.json'))) as { Config: string; Layers: string[] }[];
  if (!entry) throw new Error('docker save gave no manifest');
  const config = saved.get(entry.Config) as Buffer;
  const layers = entry.Layers.map((name) => gzipSync(saved.get(name) as Buffer));
  const blobs = new Map<string, Buffer>([
    [sha256(config), config],
    ...layers.map((l) => [sha256(l), l] as const),
  ]);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: {
        mediaType: 'application/vnd.docker.container.image.v1+json',
        size: config.length,
        digest: sha256(config),
      },
      layers: layers.map((l) => ({
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: l.length,
        digest: sha256(l),
      })),
    }),
  );
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const state = {
    authorizations: [] as string[],
    manifestRequests: 0,
    holdBlobs: undefined as Promise<void> | undefined,
  };

  const fail = (
    res: ServerResponse,
    status: number,
    code: string,
    extra: Record<string, string> = {},
    detail = '',
  ) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...extra });
    res.end(
      JSON.stringify({ errors: [{ code, message: `${code.toLowerCase().replace(/_/g, ' ')}${detail}` }] }),
    );
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const auth = req.headers.authorization;
    if (auth) state.authorizations.push(auth);
    // a careless registry: it says which credentials it refused (the executor must mask them)
    if (auth !== expected)
      return fail(
        res,
        401,
        'UNAUTHORIZED',
        { 'WWW-Authenticate': 'Basic realm="ubom-test"' },
        auth ? ` (refused: ${auth})` : '',
      );
    const url = req.url ?? '/';
    if (url === '/v2/' || url === '/v2') {
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Docker-Distribution-API-Version': 'registry/2.0',
      });
      return res.end('{}');
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/?]+)$/.exec(url);
    if (m?.[1] !== 'ubom/busybox')
      return fail(res, 404, m?.[2] === 'blobs' ? 'BLOB_UNKNOWN' : 'NAME_UNKNOWN');
    const [, , kind, ref] = m;
    if (kind === 'manifests') {
      if (ref !== 'latest' && ref !== sha256(manifest)) return fail(res, 404, 'MANIFEST_UNKNOWN');
      state.manifestRequests++;
      res.writeHead(200, {
        'Content-Type': 'application/vnd.docker.distribution.manifest.v2+json',
        'Docker-Content-Digest': sha256(manifest),
        'Content-Length': manifest.length,
      });
      return res.end(req.method === 'HEAD' ? undefined : manifest);
    }
    const blob = blobs.get(ref ?? '');
    if (!blob) return fail(res, 404, 'BLOB_UNKNOWN');
    await state.holdBlobs;
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': blob.length,
      'Docker-Content-Digest': ref ?? '',
    });
    res.end(req.method === 'HEAD' ? undefined : blob);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    host,
    repository: `${host}/ubom/busybox`,
    manifestDigest: sha256(manifest),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
