/**
 * The frame of every nx-uv executor: restore leftover pins first, run the body, turn an error into a
 * logged message and `{ success: false }` (no stack trace unless --verbose).
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { restoreLeftoverPins } from './leftover-pins';

export interface ExecutorResult {
  success: boolean;
}

export async function runNxUvExecutor(
  executorName: string,
  context: ExecutorContext,
  body: () => Promise<boolean> | boolean,
): Promise<ExecutorResult> {
  try {
    restoreLeftoverPins(context.root);
    return { success: await body() };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    const where = context.projectName ? ` (${context.projectName})` : '';
    logger.error(`nx-uv ${executorName}${where} failed: ${error.message.replace(/^nx-uv: /, '')}`);
    if (context.isVerbose && error.stack) logger.error(error.stack);
    return { success: false };
  }
}
