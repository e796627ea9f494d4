/** Test-only: a Requirement built from its raw text with a small regex (the workspace helper owns real parsing). */
import type { DependencyKind, InternalDependency, Requirement } from '../../workspace/types';

export function req(raw: string): Requirement {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(@\s*\S+)?\s*([^;]*?)\s*(?:;\s*(.*))?$/.exec(raw);
  if (!m) throw new Error(`test requirement ${raw}`);
  const name = m[1];
  return {
    raw,
    name,
    normalizedName: name.replace(/[-_.]+/g, '-').toLowerCase(),
    extras: m[2]
      ? m[2]
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean)
      : [],
    specifier: m[3] ? '' : m[4].replace(/^\(|\)$/g, ''),
    ...(m[3] ? { url: m[3].replace(/^@\s*/, '') } : {}),
    ...(m[5] ? { marker: m[5].trim() } : {}),
  };
}

const SECTION: Record<DependencyKind, string> = {
  runtime: 'project.dependencies',
  optional: 'project.optional-dependencies.extra',
  group: 'dependency-groups.dev',
  dev: 'tool.uv.dev-dependencies',
};

export function dep(raw: string, kind: DependencyKind = 'runtime'): InternalDependency {
  const requirement = req(raw);
  return { target: requirement.normalizedName, kind, section: SECTION[kind], requirement };
}
