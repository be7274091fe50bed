import type { GatewayConfig, ListenerSpec, RouteSpec } from "../config/model";
import type { Authenticator } from "./policies/authenticator";
import type { RuleSet } from "./policies/cel";
import type { CompileContext, ConfigPath } from "./policies/compile-context";
import { CorsPolicy } from "./policies/cors";
import { compileJwtAuth } from "./policies/jwt-auth";
import { compileMcpAuthentication, type McpAuthentication } from "./policies/mcp-authentication";
import { McpAuthorization } from "./policies/mcp-authorization";
import { compileRules } from "./policies/rules";

/** A route with every policy compiled once, when the config loads. */
export interface CompiledRoute {
  spec: RouteSpec;
  name: string;
  /**
   * The route's place in the config, unique where its name need not be (default names repeat
   * across the listeners of a bind): what the route's sessions belong to.
   */
  key: string;
  cors: CorsPolicy | undefined;
  /** jwtAuth, then mcpAuthentication: each must accept the request. */
  authenticators: Authenticator[];
  mcpAuthentication: McpAuthentication | undefined;
  authorization: RuleSet | undefined;
  mcpAuthorization: McpAuthorization | undefined;
  /** Whether any CEL rule will look at the request, so its context is worth building. */
  hasRules: boolean;
}

export interface CompiledListener {
  spec: ListenerSpec;
  routes: CompiledRoute[];
}

/** A problem or warning at a key path of the config. */
export interface CompileIssue {
  path: ConfigPath;
  message: string;
}

/** Everything the gateway needs to serve one config; closed when a reload replaces it. */
export interface Runtime {
  config: GatewayConfig;
  listeners: CompiledListener[];
  warnings: CompileIssue[];
  close(): Promise<void>;
}

/** Compile problems: the config cannot be served. Each names its key path. */
export class CompileError extends Error {
  constructor(readonly problems: CompileIssue[]) {
    super(problems.map((p) => `${p.path.join(".")}: ${p.message}`).join("\n"));
    this.name = "CompileError";
  }
}

export interface RuntimeOptions {
  /** Relative `jwks.file` paths resolve here; default: the process's working directory. */
  cwd?: string;
  notice?: CompileContext["notice"];
}

/**
 * Compiles a config into a runtime: CEL programs, key sets, CORS tables. It opens key files
 * and URLs, so it is async, and everything it opened is released if anything fails.
 */
export async function compileRuntime(
  config: GatewayConfig,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const problems: CompileIssue[] = [];
  const warnings: CompileIssue[] = [];
  const ctx: CompileContext = {
    cwd: options.cwd ?? process.cwd(),
    problem: (path, message) => problems.push({ path, message }),
    warning: (path, message) => warnings.push({ path, message }),
    notice: options.notice ?? (() => undefined),
  };
  const listeners = await Promise.all(
    config.listeners.map(async (spec) => ({
      spec,
      routes: await Promise.all(spec.routes.map((route) => compileRoute(route, ctx))),
    })),
  );
  const runtime: Runtime = {
    config,
    listeners,
    warnings,
    close: async () => {
      const routes = listeners.flatMap((listener) => listener.routes);
      const authenticators = routes.flatMap((route) => route.authenticators);
      await Promise.all(authenticators.map((authenticator) => authenticator.close()));
    },
  };
  if (problems.length > 0) {
    await runtime.close();
    throw new CompileError(problems);
  }
  return runtime;
}

async function compileRoute(spec: RouteSpec, ctx: CompileContext): Promise<CompiledRoute> {
  const { policies, policiesPath: at } = spec;
  const keepToken = policies.backendAuth?.passthrough !== undefined;
  const [jwtAuth, mcpAuthentication] = await Promise.all([
    policies.jwtAuth && compileJwtAuth(policies.jwtAuth, keepToken, [...at, "jwtAuth"], ctx),
    policies.mcpAuthentication &&
      compileMcpAuthentication(
        policies.mcpAuthentication,
        keepToken,
        [...at, "mcpAuthentication"],
        ctx,
      ),
  ]);
  const authorization =
    policies.authorization &&
    compileRules(policies.authorization, "http", [...at, "authorization"], ctx);
  const mcpRules =
    policies.mcpAuthorization &&
    compileRules(policies.mcpAuthorization, "mcp", [...at, "mcpAuthorization"], ctx);
  return {
    spec,
    name: spec.name,
    key: at.join("."),
    cors: policies.cors && new CorsPolicy(policies.cors),
    authenticators: [jwtAuth, mcpAuthentication?.authenticator].filter(
      (authenticator): authenticator is Authenticator => authenticator !== undefined,
    ),
    mcpAuthentication: mcpAuthentication || undefined,
    authorization: authorization || undefined,
    mcpAuthorization: mcpRules ? new McpAuthorization(mcpRules) : undefined,
    hasRules: Boolean(authorization || mcpRules),
  };
}
