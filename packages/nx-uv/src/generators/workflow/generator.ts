import { logger } from '@nx/devkit';
import type { GeneratorCallback, Tree } from '@nx/devkit';
import { Document, isScalar, visit } from 'yaml';
import { normalizeOptions, type WorkflowConfig } from './normalize-options';
import type { WorkflowGeneratorSchema } from './schema';
import { buildWorkflow, headerComment, usesComments } from './workflow-document';

/** The workflow file as text: header comment, then the document; same config, same bytes. */
export function renderWorkflow(config: WorkflowConfig): string {
  // No anchors/aliases for shared objects: every job reads on its own.
  const doc = new Document(buildWorkflow(config), { aliasDuplicateObjects: false });
  doc.commentBefore = headerComment(config);
  // The release of each SHA-pinned action beside it; why the SLSA generator is pinned by tag, above it.
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'uses' && isScalar(pair.value)) {
        const { comment, before } = usesComments(String(pair.value.value));
        if (comment) pair.value.comment = comment;
        if (before) pair.key.commentBefore = before;
      }
    },
  });
  return doc.toString({ indent: 2, lineWidth: 0, minContentWidth: 0 });
}

/** Path of the workflow file for a workflow name. */
export function workflowPath(name: string): string {
  return `.github/workflows/${name}.yml`;
}

/**
 * `nx g nx-uv:workflow`: writes `.github/workflows/<name>.yml`, the release workflow of the uv workspace.
 * The generator is the source of truth: an existing file that differs is overwritten.
 */
export async function workflowGenerator(tree: Tree, options: WorkflowGeneratorSchema = {}): Promise<GeneratorCallback> {
  const config = normalizeOptions(tree, options);
  const file = workflowPath(config.name);
  const text = renderWorkflow(config);
  const current = tree.read(file, 'utf-8');
  if (current === text) {
    logger.info(`nx-uv: ${file} is up to date`);
  } else {
    tree.write(file, text);
    logger.info(
      current === null ? `nx-uv: wrote ${file}` : `nx-uv: updated ${file} (it differed from what the generator writes; the generator owns this file)`,
    );
  }
  return () => {
    // Nothing to install.
  };
}

export default workflowGenerator;
