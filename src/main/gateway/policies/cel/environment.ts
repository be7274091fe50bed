import { Environment } from "@marcbachmann/cel-js";
import { withSafeMatches } from "./safe-matches";

/** The variables a rule can name; anything else is an unknown variable when the config loads. */
export const RULE_VARIABLES = ["jwt", "request", "source", "mcp"] as const;

/**
 * The one cel-js environment every rule is parsed and checked in (creating one is costly).
 * `jwt` holds whatever the issuer put in the token. `request`, `source` and `mcp` have known
 * shapes, but are declared as maps too: a member that Gatehouse never sets (`request.body`,
 * `mcp.tool.arguments`) is a warning from context-references.ts, not a failed load, because
 * agentgateway configs may name them.
 */
export const ruleEnvironment = withSafeMatches(
  RULE_VARIABLES.reduce(
    (environment, name) => environment.registerVariable(name, "map<string, dyn>"),
    new Environment(),
  ),
);
