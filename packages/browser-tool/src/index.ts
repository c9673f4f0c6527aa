export { containerTokenProvider, TOKEN_SECRET_HEADER } from './agent/container-token-provider.js';
export {
  type AgentStepLine,
  FINAL_RESULT_MARKER,
  parseFinalResult,
  STEP_LINE_PREFIX,
} from './agent-output.js';
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
export { BASE_CHROMIUM_FLAGS, chromiumFlags, hostResolverRules } from './launch-flags.js';
export {
  type BrowserRunner,
  type BrowserTaskOptions,
  type BrowserTaskResult,
  runBrowserTask,
} from './run-browser-task.js';
export { startTokenChannel, type TokenChannel } from './token-channel.js';
