export { type AddressKind, addressKind, canonicalHost } from './address-kind.js';
export { containerTokenProvider, TOKEN_SECRET_HEADER } from './agent/container-token-provider.js';
export {
  BROWSER_IMAGE_REPOSITORY,
  BrowserImageError,
  type BrowserImageOptions,
  browserImageTag,
  buildBrowserImage,
  ensureBrowserImage,
} from './browser-image.js';
export { type BrowserToolOptions, browserTool } from './browser-tool.js';
export { BrowsingBot, type BrowsingBotOptions, type BrowsingRunOptions } from './browsing-bot.js';
export {
  type HostRule,
  type HostRuleEntry,
  hostsNamedIn,
  parseHostRule,
} from './host-rule.js';
export { networkGuardFlags } from './launch-flags.js';
export {
  type NetworkGuard,
  type NetworkGuardOptions,
  type RefusedRequest,
  startNetworkGuard,
} from './network-guard.js';
export {
  type BrowserRunner,
  type BrowserRunnerChoice,
  type BrowserTaskOptions,
  type BrowserTaskResult,
  runBrowserTask,
} from './run-browser-task.js';
export {
  chooseBrowserRunner,
  localChromiumPath,
  type RunnerChoice,
  type RunnerChoiceOptions,
} from './runner-choice.js';
export { startTokenChannel, type TokenChannel } from './token-channel.js';
