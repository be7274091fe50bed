import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "./test/plain-summary-reporter.ts"],
    // Starts a private Secret Service for the keychain tests where there is none (Linux CI).
    globalSetup: ["./test/setup/secret-service.ts"],
    // Integration tests spawn real MCP servers; two cores are shared by all of them.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});
