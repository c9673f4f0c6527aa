export { AgentBoss, type AgentBossOptions } from './agent-boss.js';
export {
  createDefaultEnvironment,
  type DefaultEnvironmentOptions,
  type SandboxKind,
} from './default-environment.js';
export { DEFAULT_SUB_BOT_PROMPT, type DelegateToolOptions, delegateTool } from './delegate-tool.js';
export {
  DEFAULT_LOG_ANALYSIS_TASK,
  LogAnalysisBot,
  type LogAnalysisBotOptions,
} from './log-analysis-bot.js';
export { MicroBot, type MicroBotOptions, type SandboxFile } from './micro-bot.js';
export { ReadingBot, type ReadingBotOptions } from './reading-bot.js';
export { WritingBot, type WritingBotOptions } from './writing-bot.js';
