import { version } from "../../../package.json";

/** A mistake in how gatehouse was called: exit 2 with a hint, as CLIs conventionally do. */
export class UsageError extends Error {}

export const HELP = `Gatehouse ${version}: a local enforcing gateway for MCP servers.

Usage:
  gatehouse [serve] [-f <config.yaml>] [--log-format text|json] [--admin-port <port>]
      Run the gateway headless (the default command). The config is agentgateway's
      local config format and is reloaded whenever the file is saved; an invalid
      edit is reported and the previous config keeps serving. Without -f, the config
      written by \`gatehouse init\` runs if there is one, else the embedded default:
      http://localhost:3000/mcp in front of a bundled demo MCP server, no auth.
      The admin port (default 15000) serves the keystore's public keys at
      /.well-known/jwks.json.

  gatehouse check -f <config.yaml>
      Validate a config, its CEL rules and key sources, and list every problem as
      file:line:col. Exits 0 when the config is valid, 1 when it is not.

  gatehouse init [--force]
      Create a signing key if there is none and write a config whose jwtAuth trusts
      the keystore: then only tokens from \`gatehouse token mint\` get in.

  gatehouse keys list | create | import <file> | export | retire <kid> | delete <kid>
      The keystore: signing keys (private parts in the OS keychain) and trusted
      public keys. create: --alg ES256|RS256|EdDSA (default ES256), --bits 2048|3072
      for RS256, --label <text>. import: a PKCS#8 or SPKI PEM, a JWK or a JWKS file
      (- for stdin). export: the public JWKS, to stdout or --out <file>.
      retire: stops signing, keeps verifying. delete: needs --yes. A kid that starts
      with "-" goes after "--": gatehouse keys retire -- -Xq3...

  gatehouse identity list | add <name> | remove <name>
      Saved callers: add takes --sub <sub> (default: the name), --claims <json>,
      --issuer <iss>, --audience <aud>.

  gatehouse token mint [<identity>] | inspect <token>
      mint: a token signed by the active key, for a saved identity and/or --sub and
      --claims; --ttl (default 1h), --issuer and --audience override the defaults
      taken from the config's jwtAuth (-f, else the init config).
      inspect: the header and claims, and whether each route of the config accepts
      the token, or exactly why not (- reads the token from stdin).

  gatehouse clients install <client> [--identity <name>] [--project <dir>] [--dry-run]
      Write the gateway's entry (named gatehouse) into an MCP client's own config file:
      claude-desktop, claude-code, cursor, vscode or windsurf; --project <dir> for the
      project file (.mcp.json, .cursor/mcp.json, .vscode/mcp.json). --identity puts a
      fresh token for that identity (8h) in it. Every other entry is kept, the previous
      file is kept beside it as <file>.bak-<time>; --dry-run prints the file instead.

  gatehouse clients list [--project <dir>] [--json]
      Which clients are set up, the URL their entry points at, and whether its token
      verifies against the config (-f, else the init config).

  gatehouse pins list | approve <target> <tool> | reject <target> <tool> | reset <target>
      Pinned tool definitions (rug-pull protection): each tool's definition is pinned
      when first listed; a tool whose definition changes is hidden until approved.
      list: the pins and the changes awaiting a decision, with a diff (--json).
      approve: the changed definition becomes the pin. reject: the old pin stays, and
      the tool stays hidden while it differs. reset: pin a target's tools anew. A
      target is its name, or route/name; a running gateway applies it from its next
      session. A target's \`pinning: false\` turns pinning off for it.

  gatehouse import k8s -f <resources.yaml> [-f ...] [-o <config.yaml>] [--port <port>]
      agentgateway's Kubernetes resources (Gateway, HTTPRoute, AgentgatewayBackend,
      AgentgatewayPolicy, GlooTrafficPolicy) as a config, to stdout or -o (--force to
      overwrite). What has no local meaning is a # TODO at its place, also listed on
      stderr. gatehouse -f also serves such a file directly when it imports completely.

  gatehouse export k8s [-f <config.yaml>] [--namespace <ns>] [--gateway <name>] [-o <file>]
      The config's MCP part (jwtAuth, authorization, mcpAuthorization, HTTP targets) as
      agentgateway Kubernetes resources for kubectl apply; a # TODO marks what stays here.

  gatehouse demo-server
      The bundled demo MCP server on stdio: tools echo, get-sum and get-time,
      prompt greeting, resource demo://about.

  gatehouse --help | --version

Options:
  -f, --file <path>        The config file (or a file of Kubernetes resources).
  -o, --out <path>         Where import, export and keys export write.
      --json               Machine-readable output (keys, identity, token).
      --log-format <fmt>   text (default): one agentgateway-style line per request;
                           json: one JSON object per line.

Keys and identities live in the data folder ($GATEHOUSE_DATA_DIR, else
~/.config/gatehouse, ~/Library/Application Support/Gatehouse or %APPDATA%\\Gatehouse);
private keys in the OS keychain (service "gatehouse"). GATEHOUSE_KEYSTORE=file keeps
them in a 0600 file instead: insecure, for machines without a keychain.
$VAR, \${VAR} and \${VAR:-default} in the config are read from the environment.
Listeners bind 127.0.0.1 unless a bind or the mcp section names another address.
`;
