// @bots/copilot: the GitHub Copilot SDK made keyless (see README.md).
export {
  COPILOT_CLI_PACKAGE,
  COPILOT_CLI_PATH_VARIABLE,
  CopilotCliNotFoundError,
  type CopilotCliPathOptions,
  copilotCliPath,
  platformPackageNames,
} from './copilot-cli.js';
export {
  type CopilotBotResult,
  CopilotBot,
  type CopilotRunOptions,
  HOST_WARNING,
} from './copilot-bot.js';
export type { CopilotBotOptions, CopilotBotSandbox } from './copilot-bot-options.js';
export {
  containedProviderConfig,
  PLACEHOLDER_TOKEN,
  RELAY_ORIGIN,
  type ModelRelayStats,
  type RefusedModelRequest,
  relayTarget,
} from './contained-model-relay.js';
