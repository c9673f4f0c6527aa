import Docker from 'dockerode';

/**
 * Browser containers still present on the engine that were started by process `pid` (default:
 * this test process; test files run in parallel, so each looks only at its own).
 */
export async function browserContainers(pid: number = process.pid): Promise<string[]> {
  const docker = new Docker();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: ['bots.browser=1', `bots.pid=${pid}`] },
  });
  return containers.map((container) => container.Id);
}
