import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ConfigurationError,
  checkObject,
  checkOneOf,
  checkString,
  describeValue,
} from '@bots/auth';
import { type ChatModel, parseModel } from '@bots/providers';
import type { Environment, Mount } from '../environment.js';
import type { SandboxKind } from './default-environment.js';

// The checks of MicroBot's model, environment and mounts options, run at construction.

/** A model string (checked by `parseModel`) or a `ChatModel`. */
export function checkModel(model: unknown): string | ChatModel {
  if (typeof model === 'string') {
    parseModel(model);
    return model;
  }
  if (
    typeof model === 'object' &&
    model !== null &&
    typeof (model as ChatModel).complete === 'function'
  ) {
    return model as ChatModel;
  }
  throw new ConfigurationError(
    `model must be a model string such as 'azure-openai/gpt-4o' or a ChatModel (an object with complete()), but got ${model === undefined ? 'nothing' : describeValue(model)}.`,
  );
}

/** An `Environment`, 'docker' or 'local'; 'auto' when left out. */
export function checkEnvironment(environment: unknown): Environment | SandboxKind {
  if (environment === undefined) return 'auto';
  if (typeof environment === 'string') {
    return checkOneOf(
      environment,
      'environment',
      ['docker', 'local'],
      'Leave it out to use Docker when an engine answers, else bubblewrap; or pass an Environment.',
    );
  }
  if (
    typeof environment === 'object' &&
    environment !== null &&
    ['start', 'execute', 'copyIn', 'dispose'].every(
      (method) => typeof (environment as Record<string, unknown>)[method] === 'function',
    )
  ) {
    return environment as Environment;
  }
  throw new ConfigurationError(
    `environment must be an Environment (start, execute, copyIn, dispose), 'docker' or 'local', but got ${describeValue(environment)}.`,
  );
}

/** The mounts, each host path made absolute and checked to exist. */
export function checkMounts(mounts: unknown): readonly Mount[] {
  if (!Array.isArray(mounts)) {
    throw new ConfigurationError(
      `mounts must be an array, e.g. [{ hostPath: './data' }], but got ${describeValue(mounts)}.`,
    );
  }
  return mounts.map((entry: unknown, index) => {
    const mount = checkObject(entry, `mounts[${index}]`, "A mount is { hostPath: './data' }.");
    const hostPath = checkString(mount.hostPath, `mounts[${index}].hostPath`, {
      nonEmpty: true,
      hint: 'Pass the path of a folder or file on the host.',
    });
    if (mount.mode !== undefined) {
      checkOneOf(mount.mode, `mounts[${index}].mode`, ['read-only', 'read-write']);
    }
    if (mount.sandboxPath !== undefined) {
      const sandboxPath = checkString(mount.sandboxPath, `mounts[${index}].sandboxPath`, {
        nonEmpty: true,
      });
      if (!sandboxPath.startsWith('/')) {
        throw new ConfigurationError(
          `mounts[${index}].sandboxPath must be an absolute path in the sandbox, such as /workdir/data, but got ${describeValue(sandboxPath)}.`,
        );
      }
    }
    const absolute = resolve(hostPath);
    try {
      statSync(absolute);
    } catch {
      throw new ConfigurationError(
        `mounts[${index}].hostPath ${absolute} does not exist. Pass an existing folder or file.`,
      );
    }
    return { ...(mount as unknown as Mount), hostPath: absolute };
  });
}
