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
export {
  type CopilotProviderOptions,
  copilotProvider,
  providerConfigFromResolved,
  providerShape,
  TOKEN_DELIVERIES,
  type TokenDelivery,
  UnsupportedCopilotProviderError,
} from './copilot-provider.js';
export type { CopilotProviderConfig, CopilotTokenArgs } from './copilot-provider-config.js';
export { keylessRequestHandler } from './keyless-request-handler.js';
export {
  type CopilotClientLike,
  type CopilotSessionEventLike,
  type CopilotSessionLike,
  createKeylessSession,
  type KeylessSession,
  type KeylessSessionStats,
  resumeKeylessSession,
} from './keyless-session.js';
export { type KeylessSource, keylessSourceOf } from './keyless-source.js';
