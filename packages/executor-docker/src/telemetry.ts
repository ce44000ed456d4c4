import { defineHistogram, type TelemetryAttributes } from '@ubom/core';

/** Seconds spent pulling an image before a work's container could be created. */
export const pullDuration = defineHistogram({
  scope: '@ubom/executor-docker',
  name: 'ubom.docker.image.pull.duration',
  unit: 's',
  description: 'Time spent pulling images for works, by image name',
  boundaries: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
});

/**
 * `container.image.name` (without tag or digest) and `container.image.tags` of a reference, as the
 * semantic conventions spell them; an image ID (`sha256:…`) is `container.image.id`.
 */
export function imageAttributes(image: string): TelemetryAttributes {
  if (image.startsWith('sha256:')) return { 'container.image.id': image };
  const at = image.indexOf('@');
  const named = at === -1 ? image : image.slice(0, at);
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const tagged = colon > slash;
  const name = tagged ? named.slice(0, colon) : named;
  const tag = tagged ? named.slice(colon + 1) : at === -1 ? 'latest' : undefined;
  return { 'container.image.name': name, 'container.image.tags': tag === undefined ? undefined : [tag] };
}
