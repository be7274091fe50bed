import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../src/main/config/load";
import type { GatewayConfig } from "../../src/main/config/model";
import { formatPath } from "../../src/main/config/problems";

/**
 * Config snapshots, as agentgateway keeps them (`local_tests/*_config.yaml` and their
 * `*_normalized.snap`): each fixture under test/fixtures/agentgateway-structure/ beside the
 * model it normalizes to, in `<name>.normalized.yaml`. A change to normalization shows there
 * as a diff a reviewer can read; `vitest -u` writes the new form.
 */
const FIXTURES = new URL("../fixtures/agentgateway-structure/", import.meta.url);

function normalized(name: string): GatewayConfig {
  const file = fileURLToPath(new URL(`${name}.yaml`, FIXTURES));
  return parseConfig(readFileSync(file, "utf8"), file, {}).gateway;
}

/** The model as YAML, with key paths written as the error messages write them. */
function readable(config: GatewayConfig): string {
  const locations = (key: unknown, value: unknown) => {
    if (key === "path" || key === "policiesPath" || key === "schemaPath") {
      return formatPath(value as PropertyKey[]);
    }
    // A route's `paths` are its matches; a policy layer's say where each policy is written.
    if (key === "paths" && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, PropertyKey[]>);
      return Object.fromEntries(entries.map(([policy, path]) => [policy, formatPath(path)]));
    }
    return value;
  };
  return stringify(config, locations, { aliasDuplicateObjects: false });
}

describe("agentgateway's config structure, normalized (test/fixtures/agentgateway-structure)", () => {
  it.each([
    "gateways-and-routes",
    "named-backends",
    "mcp-on-default-gateway",
    "https-listeners",
    "frontend-policies",
    "binds-form",
  ])("%s", async (name) => {
    await expect(readable(normalized(name))).toMatchFileSnapshot(
      fileURLToPath(new URL(`${name}.normalized.yaml`, FIXTURES)),
    );
  });

  it("normalizes binds and the equivalent gateways and routes to the same listeners and routes", () => {
    const binds = withoutLocations(normalized("binds-form"));
    const gateways = withoutLocations(normalized("gateways-form"));
    // Only the listener's name says which form it came from.
    expect(binds.listeners.map((listener) => listener.name)).toEqual(["bind/3000"]);
    expect(gateways.listeners.map((listener) => listener.name)).toEqual(["default"]);
    expect({ ...binds, listeners: binds.listeners.map((l) => ({ ...l, name: "" })) }).toEqual({
      ...gateways,
      listeners: gateways.listeners.map((l) => ({ ...l, name: "" })),
    });
  });
});

/** The model without where each part is written in the file, the one thing the forms differ in. */
function withoutLocations(config: GatewayConfig): GatewayConfig {
  return JSON.parse(
    JSON.stringify(config, (key, value) =>
      key === "path" || key === "policiesPath" || key === "paths" ? undefined : value,
    ),
  );
}
