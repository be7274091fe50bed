/**
 * The environment configs are expanded in: the default and init configs start the demo server
 * through this very CLI, so every command that loads a config must know where it is.
 */
export function configEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GATEHOUSE_NODE: process.execPath, GATEHOUSE_CLI: process.argv[1] };
}
