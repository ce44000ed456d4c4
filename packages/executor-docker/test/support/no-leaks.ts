import { afterAll, expect } from 'vitest';
import { ownerId } from '../../src/container';
import { docker, RUN_LABELS } from './docker';

// every test file: once its tests are over, none of the containers it made may remain
afterAll(async () => {
  const labels = Object.entries(RUN_LABELS).map(([k, v]) => `${k}=${v}`);
  const left = await docker.listContainers({
    all: true,
    filters: { label: ['ubom.managed=true', `ubom.owner=${ownerId()}`, ...labels] },
  });
  expect(
    left.filter((c) => c.Labels['ubom.keep'] !== 'true').map((c) => c.Names.join(',')),
    'managed containers this test file left behind',
  ).toEqual([]);
});
