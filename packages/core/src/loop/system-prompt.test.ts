import { describe, expect, it } from 'vitest';
import { buildSystemPrompt, sandboxPathOf } from './system-prompt.js';

describe('buildSystemPrompt', () => {
  it('explains the protocol, the sandbox limits, mounts, tools and the role', () => {
    const prompt = buildSystemPrompt({
      instructions: 'You are a careful reviewer.',
      mounts: [
        { hostPath: '/home/me/project' },
        { hostPath: '/data/out', sandboxPath: '/out', mode: 'read-write' },
      ],
      commandTimeoutMs: 30_000,
      maxOutputChars: 5000,
      tools: [
        {
          name: 'browse',
          usage: 'browse "<url>"',
          description: 'Reads a web page.',
          invoke: async () => '',
        },
      ],
    });
    expect(prompt).toContain('{"task_done": boolean, "thoughts": string, "command": string}');
    expect(prompt).toContain('killed after 30 s and then reported with exit code 124');
    expect(prompt).toContain('at most 5000 characters');
    expect(prompt).toContain('/workdir/project is a folder mounted read-only');
    expect(prompt).toContain(
      "/out is a folder mounted read-write: your changes there are saved to the user's folder",
    );
    expect(prompt).toContain('- `browse "<url>"`: Reads a web page.');
    expect(prompt.endsWith('## Your role\nYou are a careful reviewer.')).toBe(true);
  });

  it('says when nothing is mounted', () => {
    expect(buildSystemPrompt({ commandTimeoutMs: 1500, maxOutputChars: 300 })).toContain(
      'No folder of the host is mounted.',
    );
  });

  it('defaults mount paths to /workdir/<basename>', () => {
    expect(sandboxPathOf({ hostPath: '/a/b/logs' })).toBe('/workdir/logs');
  });
});
