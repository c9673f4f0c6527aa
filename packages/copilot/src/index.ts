// @bots/copilot: the GitHub Copilot SDK made keyless (see README.md).
export {
  COPILOT_CLI_PACKAGE,
  COPILOT_CLI_PATH_VARIABLE,
  CopilotCliNotFoundError,
  type CopilotCliPathOptions,
  copilotCliPath,
  platformPackageNames,
} from './copilot-cli.js';
