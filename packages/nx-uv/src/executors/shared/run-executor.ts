/**
 * The frame of every nx-uv executor: restore leftover pins first, run the body, turn an error into a
 * logged message and `{ success: false }` (no stack trace unless --verbose).
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import { restoreLeftoverPins } from '../../pin/leftover-pins';

export interface ExecutorResult {
  success: boolean;
}

/** Where an executor's lines go: @nx/devkit's logger, or one task's own log in a batch. */
export interface ExecutorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export async function runNxUvExecutor(
  executorName: string,
  context: ExecutorContext,
  body: () => Promise<boolean> | boolean,
  log: ExecutorLogger = logger,
): Promise<ExecutorResult> {
  try {
    restoreLeftoverPins(context.root);
    return { success: await body() };
  } catch (err) {
    reportExecutorError(executorName, context, err, log);
    return { success: false };
  }
}

/** How an executor reports its failure: `nx-uv <name> (<project>) failed: <message>` (the stack with --verbose). */
export function reportExecutorError(executorName: string, context: ExecutorContext, err: unknown, log: ExecutorLogger): void {
  const error = err instanceof Error ? err : new Error(String(err));
  const where = context.projectName ? ` (${context.projectName})` : '';
  log.error(`nx-uv ${executorName}${where} failed: ${error.message.replace(/^nx-uv: /, '')}`);
  if (context.isVerbose && error.stack) log.error(error.stack);
}
