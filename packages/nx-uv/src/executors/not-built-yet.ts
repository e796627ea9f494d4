import { logger } from '@nx/devkit';

/** Stand-in for an executor whose implementation has not landed yet: says so and fails. */
export function notBuiltYet(name: string) {
  return async function executor(): Promise<{ success: boolean }> {
    logger.error(`nx-uv: the '${name}' executor is not built yet in this version of nx-uv.`);
    return { success: false };
  };
}
