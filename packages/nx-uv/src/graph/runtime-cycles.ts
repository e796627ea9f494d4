/**
 * A cycle of required runtime dependencies (found by the workspace model's own `topologicalOrder`),
 * described with the file and line of each requirement.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lookup, parseTomlAst } from '../toml';
import { DependencyCycleError, describeCycle, loadUvWorkspace, RELEASE_ORDER_KINDS, topologicalOrder, UTF8 } from '../workspace';
import type { CycleLink } from '../workspace';

/** `file:line` of a cycle link's requirement (the line of its string in the array), else the file. */
function requirementSpot(absRoot: string, link: CycleLink): string {
  const file = link.from.pyprojectPath;
  try {
    const ast = parseTomlAst(fs.readFileSync(path.join(absRoot, file), UTF8), file);
    const hit = lookup(ast, link.dependency.section.split('.'));
    if (hit.found && hit.node.type === 'TOMLArray') {
      const element = hit.node.elements.find((e) => e.type === 'TOMLValue' && e.value === link.dependency.requirement.raw);
      if (element) return `${file}:${element.loc.start.line}, ${link.dependency.section}`;
    }
  } catch {
    // the message still names the file and the section
  }
  return `${file}, ${link.dependency.section}`;
}

/**
 * Throws, naming the cycle with `pyproject.toml:line` of each requirement and what to do, when members
 * of the uv workspace at `absRoot` require each other at runtime.
 */
export function assertNoRuntimeCycle(absRoot: string, shownRoot: string): void {
  try {
    topologicalOrder(loadUvWorkspace(absRoot), RELEASE_ORDER_KINDS);
  } catch (err) {
    if (!(err instanceof DependencyCycleError)) throw err;
    const where = shownRoot === '.' ? '' : ` (uv workspace ${shownRoot})`;
    throw new Error(`nx-uv${where}: ${describeCycle(err.links, RELEASE_ORDER_KINDS, (l) => requirementSpot(absRoot, l))}`);
  }
}
