/** Options of the `nx-uv:workflow` generator (see schema.json for the defaults). */
export interface WorkflowGeneratorSchema {
  name?: string;
  branch?: string;
  paths?: string[];
  workspaceProject?: string;
  uvRoot?: string;
  environment?: string;
  target?: 'pypi' | 'testpypi' | 'custom';
  releaseLabel?: string;
  /** A number when it comes from the Nx command line (`--nodeVersion=22`). */
  nodeVersion?: string | number;
  /** A number when it comes from the Nx command line (`--pythonVersion=3.12`). */
  pythonVersion?: string | number;
  notifyRepositories?: string[];
  packageManager?: 'npm';
}
