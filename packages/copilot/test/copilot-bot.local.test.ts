import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { bubblewrapAvailability } from '@bots/test-kit';
import { describeCopilotBotContract } from './copilot-bot-contract.js';

const before = new Set(
  readdirSync(tmpdir()).filter((name) => name.startsWith('bots-copilot-channel-')),
);

describeCopilotBotContract('local', await bubblewrapAvailability(), async () =>
  readdirSync(tmpdir()).filter(
    (name) => name.startsWith('bots-copilot-channel-') && !before.has(name),
  ),
);
