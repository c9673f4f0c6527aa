import { ConfigurationError, checkDuration, checkObject } from '@bots/auth';
import type { BotTool } from './tool.js';

const TOOL_NAME = /^[a-z][a-z0-9_-]*$/;

/** Checks tool definitions: valid, unique names, a description, an `invoke` function. */
export function validateTools(tools: readonly BotTool[]): readonly BotTool[] {
  if (!Array.isArray(tools)) {
    throw new ConfigurationError(
      'tools must be an array of tools, e.g. [browserTool()], but got another value.',
    );
  }
  const names = new Set<string>();
  for (const [index, tool] of tools.entries()) {
    checkObject(tool, `tools[${index}]`, 'A tool is { name, description, invoke }.');
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) {
      throw new ConfigurationError(
        `A tool name must be one lowercase word (letters, digits, - and _, starting with a letter), but got ${JSON.stringify(tool?.name)}.`,
      );
    }
    if (names.has(tool.name)) {
      throw new ConfigurationError(
        `Two tools are named "${tool.name}"; tool names must be unique.`,
      );
    }
    names.add(tool.name);
    if (typeof tool.description !== 'string' || tool.description.trim() === '') {
      throw new ConfigurationError(`The tool "${tool.name}" needs a description for the model.`);
    }
    if (typeof tool.invoke !== 'function') {
      throw new ConfigurationError(
        `The tool "${tool.name}" needs an invoke(input, context) function.`,
      );
    }
    if (tool.timeoutMs !== undefined) {
      checkDuration(tool.timeoutMs, `timeoutMs of the tool "${tool.name}"`, {
        hint: "It is the time limit of one call of the tool; leave it out for the run's own limit.",
      });
    }
  }
  return tools;
}
