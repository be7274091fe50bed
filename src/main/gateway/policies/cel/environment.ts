import { Environment } from "@marcbachmann/cel-js";
import { withJsonFunction } from "./json-function";
import { withSafeMatches } from "./safe-matches";

const MAP_VARIABLES = ["jwt", "request", "source", "mcp"] as const;
/**
 * Null unless their policy verified the caller, as in agentgateway: `apiKey != null` is a rule.
 * `extauthz` holds what an extAuthz policy's `metadata` computed, once one has allowed.
 */
const NULLABLE_VARIABLES = ["apiKey", "basicAuth", "extauthz"] as const;

/** The variables a rule can name; anything else is an unknown variable when the config loads. */
export const RULE_VARIABLES = [...MAP_VARIABLES, ...NULLABLE_VARIABLES] as const;

/**
 * The one cel-js environment every rule is parsed and checked in (creating one is costly).
 * `jwt` holds whatever the issuer put in the token. `request`, `source` and `mcp` have known
 * shapes, but are declared as maps too: a member that Gatehouse never sets (`request.body`,
 * `mcp.tool.result`) is a warning from context-references.ts, not a failed load, because
 * agentgateway configs may name them. `apiKey` and `basicAuth` are maps or null, which cel-js
 * can only declare as `dyn`.
 */
export const ruleEnvironment = withJsonFunction(
  withSafeMatches(
    NULLABLE_VARIABLES.reduce(
      (environment, name) => environment.registerVariable(name, "dyn"),
      MAP_VARIABLES.reduce(
        (environment, name) => environment.registerVariable(name, "map<string, dyn>"),
        new Environment(),
      ),
    ),
  ),
);

/**
 * Where access-log fields and filters and span attributes are checked: they run once the
 * answer is known, so they also see `response`.
 */
export const logEnvironment = ruleEnvironment
  .clone()
  .registerVariable("response", "map<string, dyn>");
