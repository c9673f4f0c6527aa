import Docker from 'dockerode';

/** Containers of browser runs still present on the engine. */
export async function browserContainers(): Promise<string[]> {
  const docker = new Docker();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: ['bots.browser=1'] },
  });
  return containers.map((container) => container.Id);
}
