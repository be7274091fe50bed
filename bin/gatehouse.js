#!/usr/bin/env node
// The `gatehouse` command: runs the built CLI (see src/main/cli/main.ts).
import { existsSync } from "node:fs";

const cli = new URL("../out/main/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(
    "gatehouse: not built yet; run `npm run build` in the Gatehouse folder first.\n",
  );
  process.exit(1);
}
await import(cli.href);
