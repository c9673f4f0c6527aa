import { ConfigurationError } from '@bots/auth';
import { validateTools } from '../loop/agent-loop.js';
import { DEFAULT_MAX_OUTPUT_CHARS } from '../loop/cap-for-model.js';
import { checkBotOptions, optionNamesWithout, promptOption } from './bot-options.js';
import { DEFAULT_SUB_BOT_PROMPT, delegateTool } from './delegate-tool.js';
import { MicroBot, type MicroBotOptions } from './micro-bot.js';

const OPTION_NAMES = optionNamesWithout([], ['subBotPrompt']);

/** Options of `AgentBoss`. */
export interface AgentBossOptions extends MicroBotOptions {
  /** Instructions of every sub-bot. Default: do the one sub-task and report what the caller needs. */
  subBotPrompt?: string;
}

/** The boss's role, before any `systemPrompt` of yours. */
export const AGENT_BOSS_PROMPT = [
  'You are the boss of a team of sub-bots. Split the task into self-contained sub-tasks and hand each to a sub-bot with `delegate "<sub-task>"`; its answer comes back as the output.',
  'Sub-bots work in your sandbox, so files they write are visible to you. They do not see your conversation: state every sub-task completely (paths, names, the expected form of the answer).',
  'Sub-bots use your iteration budget: delegate work that needs several steps, and run quick commands yourself.',
  'When you have what you need, combine it into the final answer.',
].join('\n');

/**
 * A bot that delegates sub-tasks to sub-bots through the `delegate "<sub-task>"` tool. Sub-bots
 * share the boss's model instance (hence its token provider), its sandbox, its iteration budget
 * (`maxIterations` bounds the boss and all its sub-bots together) and its deadline and signal.
 * Their steps are reported to `onStep` with `depth: 1` and kept in the delegate step's `subSteps`.
 *
 * @example
 * const boss = new AgentBoss({ model: 'azure-openai/gpt-4o', mounts: [{ hostPath: './repo' }] });
 * try {
 *   const { result } = await boss.run('Summarise the tests and the docs of the repo.', { maxIterations: 40 });
 * } finally {
 *   await boss.dispose(); // or `await using boss = ...` where the runtime has it (Node 22+)
 * }
 */
export class AgentBoss extends MicroBot {
  constructor(options: AgentBossOptions) {
    checkBotOptions(options, 'AgentBoss', OPTION_NAMES, "{ model: 'azure-openai/gpt-4o' }");
    const { subBotPrompt, ...rest } = options;
    const subBotTools = validateTools(rest.tools ?? []);
    if (subBotTools.some((tool) => tool.name === 'delegate')) {
      throw new ConfigurationError('AgentBoss has its own "delegate" tool; rename your tool.');
    }
    const subBotInstructions = promptOption(subBotPrompt, 'subBotPrompt');
    super({
      ...rest,
      systemPrompt: [AGENT_BOSS_PROMPT, promptOption(rest.systemPrompt, 'systemPrompt')]
        .join('\n')
        .trim(),
      tools: [
        ...subBotTools,
        delegateTool({
          subBotPrompt: subBotInstructions || DEFAULT_SUB_BOT_PROMPT,
          mounts: rest.mounts ?? [],
          tools: subBotTools,
          maxOutputChars: rest.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS,
        }),
      ],
    });
  }
}
