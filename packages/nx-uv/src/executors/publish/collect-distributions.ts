/**
 * The files to publish for a member: its sdist and wheel(s) of the current version in the build
 * output folder, hashed, with the name and version inside each file's core metadata checked against
 * its file name (a renamed or hand-copied file is refused rather than published under a false name).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LocalDistribution } from '../../registry';
import { sha256File } from '../../registry';
import { metadataValue, readDistributionMetadata } from '../../wheel';
import { normalizeName, type Member } from '../../workspace';
import { sameVersion, selectDistributions, type DistributionSelection } from '../../registry/dist-files';

export interface CollectedDistributions {
  files: (LocalDistribution & { kind: 'wheel' | 'sdist'; size: number })[];
  /** The version being published. */
  version: string;
  selection: DistributionSelection;
}

/** The version nx-uv reads for a member, or undefined when it is dynamic (not readable). */
export function memberVersion(member: Member): string | undefined {
  return member.version.kind === 'static' || member.version.kind === 'hatch-file' ? member.version.version : undefined;
}

export class NoDistributionsError extends Error {
  override readonly name = 'NoDistributionsError';
}

export async function collectDistributions(
  distDir: string,
  member: Member,
  options: { shownDir: string; projectName: string; buildTarget: string; version?: string },
): Promise<CollectedDistributions> {
  const version = options.version ?? memberVersion(member);
  const label = `${member.distributionName}${version ? ` ${version}` : ''}`;
  const runBuild =
    `Run the ${options.buildTarget} target first (\`nx run ${options.projectName}:${options.buildTarget}\`; ` +
    `\`nx run ${options.projectName}:publish\` runs it for you through dependsOn), or point distPath at the folder that holds them.`;
  let names: string[];
  try {
    names = fs.readdirSync(distDir).filter((n) => fs.statSync(path.join(distDir, n)).isFile());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    throw new NoDistributionsError(`there is no build output folder ${options.shownDir} for ${label}. ${runBuild}`);
  }
  const selection = selectDistributions(names, member, version, options.shownDir);
  if (selection.selected.length === 0 || selection.version === undefined) {
    const seen = selection.otherVersions.length > 0 ? ` (it holds only other versions: ${selection.otherVersions.map((p) => p.filename).join(', ')})` : '';
    throw new NoDistributionsError(`no built distribution of ${label} in ${options.shownDir}${seen}. ${runBuild}`);
  }

  const files: CollectedDistributions['files'] = [];
  for (const p of selection.selected) {
    const full = path.join(distDir, p.filename);
    const meta = await readDistributionMetadata(full);
    const name = metadataValue(meta.metadata, 'Name');
    const metaVersion = metadataValue(meta.metadata, 'Version');
    if (!name || normalizeName(name) !== member.name || !metaVersion || !sameVersion(metaVersion, selection.version)) {
      throw new Error(
        `${options.shownDir}/${p.filename} says it is ${name ?? '(no Name)'} ${metaVersion ?? '(no Version)'} in ${meta.metadataPath}, ` +
          `not ${member.distributionName} ${selection.version} as its file name does; it will not be published. ` +
          `Delete it and run the ${options.buildTarget} target again.`,
      );
    }
    files.push({ path: full, filename: p.filename, sha256: await sha256File(full), kind: p.kind, size: fs.statSync(full).size });
  }
  return { files, version: selection.version, selection };
}
