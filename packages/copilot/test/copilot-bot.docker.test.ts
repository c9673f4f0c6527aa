import { defaultDocker } from '@bots/core/docker';
import { dockerAvailability } from '@bots/test-kit';
import { describeCopilotBotContract } from './copilot-bot-contract.js';

/** The part of a dockerode client this file uses. */
interface ContainerLister {
  listContainers(options: {
    all: boolean;
    filters: { label: string[] };
  }): Promise<{ Id: string }[]>;
}

const docker = await defaultDocker();
const engine = await dockerAvailability(docker as Parameters<typeof dockerAvailability>[0]);

describeCopilotBotContract('docker', engine, async () => {
  const list = await (docker as unknown as ContainerLister).listContainers({
    all: true,
    filters: { label: [`bots.pid=${process.pid}`] },
  });
  return list.map((container) => container.Id);
});
