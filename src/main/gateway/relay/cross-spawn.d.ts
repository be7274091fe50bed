// cross-spawn ships no types; it has child_process.spawn's signature (it resolves Windows
// commands such as `npx`, which are .cmd files, and otherwise calls spawn unchanged).
declare module "cross-spawn" {
  import type { spawn } from "node:child_process";
  const crossSpawn: typeof spawn;
  export default crossSpawn;
}
