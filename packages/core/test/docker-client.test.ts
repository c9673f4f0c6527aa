// DockerClient is the structural type the public declarations use instead of @types/dockerode:
// a real dockerode client must fit it, and have every member it names.
import Docker from 'dockerode';
import { expect, test } from 'vitest';
import type { DockerClient } from '../src/docker/index.js';

const members = [
  'modem',
  'ping',
  'getImage',
  'listImages',
  'buildImage',
  'createContainer',
  'getContainer',
  'listContainers',
  'createVolume',
  'getVolume',
  'listVolumes',
  'listNetworks',
] as const satisfies readonly (keyof DockerClient)[];

// Fails to compile when DockerClient gains a member the list above does not name.
type Unlisted = Exclude<keyof DockerClient, (typeof members)[number]>;
const everyMemberListed: [Unlisted] extends [never] ? true : Unlisted = true;

test('a dockerode client is a DockerClient and has every member the type names', () => {
  const client: DockerClient = new Docker({ socketPath: '/nonexistent/docker.sock' });
  expect(everyMemberListed).toBe(true);
  for (const member of members) {
    expect(typeof client[member], member).toBe(member === 'modem' ? 'object' : 'function');
  }
});
