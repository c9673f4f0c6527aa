import { describe, expect, it } from 'vitest';
import type { Environment } from '../environment.js';
import { ScriptedEnvironment } from '../testing/scripted-environment.js';
import { createDefaultEnvironment, type SandboxModule } from './default-environment.js';

function fakeSandbox(dockerAnswers: boolean) {
  const created: { kind: string; options: Record<string, unknown> }[] = [];
  const probed: unknown[] = [];
  const make = (kind: string) =>
    class extends ScriptedEnvironment {
      constructor(options: Record<string, unknown>) {
        super();
        created.push({ kind, options });
      }
    };
  const module: SandboxModule = {
    DockerEnvironment: make('docker') as unknown as SandboxModule['DockerEnvironment'],
    LocalEnvironment: make('local') as unknown as SandboxModule['LocalEnvironment'],
    isDockerAvailable: async (options) => {
      probed.push(options);
      return dockerAnswers;
    },
  };
  return { created, probed, load: async () => module };
}

describe('createDefaultEnvironment', () => {
  const mounts = [{ hostPath: '/data', mode: 'read-only' as const }];

  it('uses Docker when an engine answers, with the mounts and sandbox options', async () => {
    const sandbox = fakeSandbox(true);
    const environment: Environment = await createDefaultEnvironment(
      { mounts, sandboxOptions: { network: false } },
      sandbox.load,
    );
    expect(environment).toBeInstanceOf(ScriptedEnvironment);
    expect(sandbox.created).toEqual([{ kind: 'docker', options: { network: false, mounts } }]);
  });

  it('falls back to the local sandbox when no engine answers', async () => {
    const sandbox = fakeSandbox(false);
    await createDefaultEnvironment({ mounts }, sandbox.load);
    expect(sandbox.created.map((entry) => entry.kind)).toEqual(['local']);
  });

  it('asks the engine of the Docker client given in sandboxOptions, not the default one', async () => {
    const sandbox = fakeSandbox(true);
    const docker = { ping: async () => 'OK' };
    await createDefaultEnvironment({ sandboxOptions: { docker } }, sandbox.load);
    expect(sandbox.probed).toEqual([{ docker }]);
    expect(sandbox.created.map((entry) => entry.kind)).toEqual(['docker']);
  });

  it('honours a forced kind', async () => {
    const sandbox = fakeSandbox(false);
    await createDefaultEnvironment({ kind: 'docker' }, sandbox.load);
    expect(sandbox.created).toEqual([{ kind: 'docker', options: { mounts: [] } }]);
  });

  it('rejects an unknown kind', async () => {
    await expect(
      createDefaultEnvironment({ kind: 'podman' as never }, fakeSandbox(true).load),
    ).rejects.toThrow("environment must be an Environment, 'docker' or 'local'");
  });
});
