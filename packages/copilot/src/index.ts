// @bots/copilot: the GitHub Copilot SDK made keyless (see README.md).

export {
  containedProviderConfig,
  type ModelRelayStats,
  PLACEHOLDER_TOKEN,
  RELAY_ORIGIN,
  type RefusedModelRequest,
  relayTarget,
} from './contained-model-relay.js';
export {
  CopilotBot,
  type CopilotBotResult,
  type CopilotRunOptions,
  HOST_WARNING,
} from './copilot-bot.js';
export type { CopilotBotOptions, CopilotBotSandbox } from './copilot-bot-options.js';
export {
  COPILOT_CLI_PACKAGE,
  COPILOT_CLI_PATH_VARIABLE,
  CopilotCliNotFoundError,
  type CopilotCliPathOptions,
  copilotCliPath,
  platformPackageNames,
} from './copilot-cli.js';
