import { fileURLToPath } from 'node:url';
import { entrySource, exportedSubpaths, typeOnlyExports } from '@bots/test-kit';
import { expect, test } from 'vitest';
import * as docker from './docker/index.js';
import * as root from './index.js';
import * as loop from './loop/index.js';
import * as testing from './testing/index.js';

// The public names of each entry point of @bots/core, runtime and type-only. A change to these
// lists is a deliberate API decision: review it, then update the snapshots (vitest -u).
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

test('every entry point of the exports map has its snapshots here', () => {
  expect(exportedSubpaths(packageDirectory)).toEqual(['.', './docker', './loop', './testing']);
});

test('@bots/core: runtime names', () => {
  expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
    [
      "AgentBoss",
      "CORE_ATTRIBUTES",
      "CORE_SPAN_NAMES",
      "DEFAULT_COMMAND_TIMEOUT_MS",
      "DEFAULT_LOG_ANALYSIS_TASK",
      "DEFAULT_MAX_FORMAT_CORRECTIONS",
      "DEFAULT_MAX_ITERATIONS",
      "DEFAULT_MAX_OUTPUT_CHARS",
      "DEFAULT_OUTPUT_LIMIT",
      "DEFAULT_SUB_BOT_PROMPT",
      "DockerEnvironment",
      "IterationBudget",
      "LocalEnvironment",
      "LogAnalysisBot",
      "MaxIterationsError",
      "MicroBot",
      "ModelCallError",
      "ModelFormatError",
      "REPLY_SHAPE",
      "ReadingBot",
      "RunAbortedError",
      "RunTimeoutError",
      "SANDBOX_DOCKERFILE",
      "SANDBOX_IMAGE",
      "SANDBOX_IMAGE_REPOSITORY",
      "SandboxError",
      "SandboxPool",
      "WritingBot",
      "buildSandboxImage",
      "buildSystemPrompt",
      "correctiveMessage",
      "createDefaultEnvironment",
      "delegateTool",
      "ensureSandboxImage",
      "parseReply",
      "runAgentLoop",
      "unquote",
    ]
  `);
});

test('@bots/core: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, '.'), root)).toMatchInlineSnapshot(`
    [
      "AgentBossOptions",
      "AgentLoopOptions",
      "BotError",
      "BotResult",
      "BotRunOptions",
      "BotTool",
      "CommandResult",
      "DefaultEnvironmentOptions",
      "DelegateToolOptions",
      "DockerEnvironmentOptions",
      "Environment",
      "ExecuteOptions",
      "LocalEnvironmentOptions",
      "LogAnalysisBotOptions",
      "MicroBotOptions",
      "ModelReply",
      "Mount",
      "ParsedReply",
      "PooledSandbox",
      "ReadingBotOptions",
      "RunStatus",
      "SandboxFile",
      "SandboxImageOptions",
      "SandboxKind",
      "SandboxPoolOptions",
      "SandboxPoolStats",
      "Step",
      "StepKind",
      "SystemPromptOptions",
      "ToolContext",
      "ToolResult",
      "WritingBotOptions",
    ]
  `);
});

test('@bots/core/docker: runtime names', () => {
  expect(Object.keys(docker).sort()).toMatchInlineSnapshot(`
    [
      "defaultDocker",
      "findExecutable",
      "followImageBuild",
      "hasImage",
      "registerCleanup",
      "removeContainer",
      "removeContainerNow",
      "settleWithin",
    ]
  `);
});

test('@bots/core/docker: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, './docker'), docker)).toMatchInlineSnapshot(`
    [
      "CleanupEntry",
      "ContainerRemovalOptions",
      "DockerClient",
      "RemovableContainer",
    ]
  `);
});

test('@bots/core/loop: runtime names', () => {
  expect(Object.keys(loop).sort()).toMatchInlineSnapshot(`
    [
      "CORE_ATTRIBUTES",
      "CORE_SPAN_NAMES",
      "DEFAULT_COMMAND_TIMEOUT_MS",
      "DEFAULT_MAX_FORMAT_CORRECTIONS",
      "DEFAULT_MAX_ITERATIONS",
      "DEFAULT_MAX_OUTPUT_CHARS",
      "IterationBudget",
      "MaxIterationsError",
      "ModelCallError",
      "ModelFormatError",
      "REPLY_SHAPE",
      "RunAbortedError",
      "RunTimeoutError",
      "buildSystemPrompt",
      "correctiveMessage",
      "parseReply",
      "runAgentLoop",
      "unquote",
    ]
  `);
});

test('@bots/core/loop: type-only names', () => {
  expect(typeOnlyExports(entrySource(packageDirectory, './loop'), loop)).toMatchInlineSnapshot(`
    [
      "AgentLoopOptions",
      "BotError",
      "BotResult",
      "BotRunOptions",
      "BotTool",
      "CommandResult",
      "Environment",
      "ExecuteOptions",
      "ModelReply",
      "Mount",
      "ParsedReply",
      "RunStatus",
      "Step",
      "StepKind",
      "SystemPromptOptions",
      "ToolContext",
      "ToolResult",
    ]
  `);
});

test('@bots/core/testing: runtime names', () => {
  expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
    [
      "FakeEnvironment",
      "ScriptedChatModel",
      "ScriptedEnvironment",
      "answerReply",
      "commandReply",
      "hangingCommand",
      "hangingReply",
    ]
  `);
});

test('@bots/core/testing: type-only names', () => {
  expect(
    typeOnlyExports(entrySource(packageDirectory, './testing'), testing),
  ).toMatchInlineSnapshot(`
    [
      "CommandHandler",
      "FakeEnvironmentOptions",
      "ProtocolReply",
      "RecordedCall",
      "ReplyFunction",
      "ScriptedChatModelOptions",
      "ScriptedCommandResult",
      "ScriptedReply",
    ]
  `);
});
