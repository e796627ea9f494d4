import { mayDeclareUvWorkspace } from './infer-graph';

describe('mayDeclareUvWorkspace (which pyproject.toml files are parsed to look for a uv root)', () => {
  it.each([
    '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    '[tool.uv]\nworkspace = { members = ["a"] }\n',
    '[tool.uv]\nworkspace.members = ["a"]\n',
    'tool.uv.workspace.members = ["a"]\n',
    '[tool.uv.sources]\na = { workspace = true }\n\n[tool.uv.workspace]\nmembers = []\n',
    '[tool.uv.sources]\na = { workspace = false }\n', // not a source flag: parse it (cheap, rare)
    '# workspace',
    'x = "workspace"',
  ])('parses %j', (text) => expect(mayDeclareUvWorkspace(text)).toBe(true));

  it.each([
    '',
    '[project]\nname = "a"\n',
    '[tool.uv.sources]\na = { workspace = true }\nb = { workspace=true, editable = true }\n',
    "[tool.uv.sources]\nc = { 'workspace' = true }\n",
    '[tool.uv.sources]\nd = { "workspace"\t =\ttrue }\n',
  ])('skips %j', (text) => expect(mayDeclareUvWorkspace(text)).toBe(false));
});
