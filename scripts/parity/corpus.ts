/**
 * The corpus: agentgateway's own MCP configs, read from local git mirrors of the agentgateway
 * repository and of its docs site (agentgateway/website). Nothing here runs Gatehouse; it only
 * decides which YAML counts as "an agentgateway MCP config" and where each one came from.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { parseAllDocuments, parseDocument, visit } from "yaml";
import { expandShortcodes, hasTemplating, yamlBlocks, type RenderTarget } from "./hugo";

/** A git directory read at HEAD, without a work tree. */
export class Mirror {
  private files: string[] | undefined;

  constructor(
    readonly name: string,
    readonly dir: string,
  ) {}

  /** Whether the directory is there and has a HEAD commit. */
  available(): boolean {
    if (!existsSync(this.dir)) return false;
    try {
      this.git("rev-parse", "--verify", "HEAD");
      return true;
    } catch {
      return false;
    }
  }

  /** HEAD's commit and committer date, so a report says which snapshot it measured. */
  head(): { commit: string; date: string } {
    const [commit = "", date = ""] = this.git("log", "-1", "--format=%H %cs", "HEAD")
      .trim()
      .split(" ");
    return { commit, date };
  }

  list(): string[] {
    this.files ??= this.git("ls-tree", "-r", "--name-only", "HEAD").split("\n").filter(Boolean);
    return this.files;
  }

  /** A file's bytes at HEAD, or undefined when the path (or its blob) is not there. */
  bytes(path: string): Buffer | undefined {
    try {
      return execFileSync("git", ["-C", this.dir, "show", `HEAD:${path}`], {
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch {
      return undefined;
    }
  }

  read(path: string): string | undefined {
    return this.bytes(path)?.toString("utf8");
  }

  private git(...args: string[]): string {
    return execFileSync("git", ["-C", this.dir, ...args], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "ignore"],
    });
  }
}

/** One config to check, with everything needed to lay it out on disk. */
export interface ConfigCase {
  /** Where it came from: a repository path, or a docs page and the block's place on it. */
  source: string;
  /** Groups the totals: repo examples, repo tests, or the docs section of the page. */
  group: string;
  text: string;
  /**
   * Where the config goes, relative to a fresh directory made for this case, which is also
   * the working directory of the check (where the config's relative paths resolve).
   */
  configPath: string;
  /** Files to lay out there too (relative paths), such as an example's certs or JWKS. */
  files: Map<string, Buffer>;
}

/** Why a candidate block was not counted; the report lists how many of each. */
export type SkipReason =
  | "kubernetes manifest"
  | "not an agentgateway config (no top-level binds, gateways, routes or mcp)"
  | "config without an MCP backend"
  | "not parseable YAML"
  | "unexpanded Hugo templating"
  | "same config as one counted earlier"
  | "include of a file outside the mirror";

export interface Corpus {
  cases: ConfigCase[];
  /** Every YAML block or file that was looked at and not counted, with the reason. */
  skipped: { source: string; reason: SkipReason }[];
}

/** The top-level keys that make a YAML document an agentgateway local config. */
const CONFIG_KEYS = ["binds", "gateways", "routes", "mcp"];

/** The standalone docs as published under /latest: its version names and flavour. */
function latestTarget(website: Mirror): RenderTarget {
  // hugo.yaml maps the /latest URL to a version number (1.4.x when this was written);
  // `version` shortcodes test either name.
  const hugo = parseDocument(website.read("hugo.yaml") ?? "").toJS() as {
    params?: { sections?: { standalone?: { versions?: { version: string; url: string }[] } } };
  } | null;
  const latest = hugo?.params?.sections?.standalone?.versions?.find((v) => v.url === "/latest");
  return {
    versions: ["latest", ...(latest ? [latest.version] : [])],
    flavours: ["standalone", "agentgateway"],
  };
}

/**
 * Collects the corpus. The selection rule (also in docs/agentgateway-parity.md):
 *
 *  - repository: `examples/mcp-*` YAML files and `crates/agentgateway/src/types/local_tests/
 *    *_config.yaml`;
 *  - docs: every YAML code block of the standalone `latest` pages (content/docs/standalone/
 *    latest/**), after Hugo includes and version/flavour conditions are resolved;
 *  - either way, a YAML document counts when it is one agentgateway local config (a map with
 *    a top-level binds, gateways, routes or mcp key, and no apiVersion/kind) that has an MCP
 *    backend (an `mcp:` map with `targets`), and its content was not already counted.
 */
export function collectCorpus(agentgateway: Mirror, website: Mirror): Corpus {
  const corpus: Corpus = { cases: [], skipped: [] };
  const seen = new Set<string>();
  const skip = (source: string, reason: SkipReason) => {
    corpus.skipped.push({ source, reason });
  };
  const add = (item: ConfigCase) => {
    const verdict = classify(item.text);
    if (verdict !== "config") return skip(item.source, verdict);
    const key = contentKey(item.text);
    if (seen.has(key)) return skip(item.source, "same config as one counted earlier");
    seen.add(key);
    corpus.cases.push(item);
  };

  // The repository first: its files are the originals that docs pages include.
  for (const item of repositoryCandidates(agentgateway)) add(item);

  const target = latestTarget(website);
  const read = (path: string) => website.read(path);
  const pages = website
    .list()
    .filter((path) => /^content\/docs\/standalone\/latest\/.+\.md$/.test(path))
    .sort();
  for (const page of pages) {
    // The docs section: the first two folders under latest/, such as configuration/security.
    const group = `docs ${page.split("/").slice(4, -1).slice(0, 2).join("/") || "(top)"}`;
    const markdown = expandShortcodes(read(page) ?? "", target, read);
    yamlBlocks(markdown).forEach((block, index) => {
      let source = `website:${page} block ${index + 1}`;
      let text = block.text;
      if (block.include) {
        // github-yaml shows a file of the agentgateway repository, by its published URL.
        const path = /^https:\/\/agentgateway\.dev\/(examples\/.+)$/.exec(block.include)?.[1];
        const included = path && agentgateway.read(path);
        if (!included) return skip(source, "include of a file outside the mirror");
        source += ` (includes agentgateway:${path})`;
        text = included;
      }
      if (hasTemplating(text)) return skip(source, "unexpanded Hugo templating");
      // A docs config is run as its page says: `agentgateway -f config.yaml` in a directory
      // of its own, which holds nothing else.
      add({ source, group, text, configPath: "config.yaml", files: new Map() });
    });
  }
  return corpus;
}

/**
 * The repository's candidates. The examples' READMEs run them from the repository root
 * (`-f examples/mcp-tls/config.yaml`), so the paths inside them are relative to it: each is
 * laid out at its repository path, with every repository file it names (certs, JWKS files,
 * OpenAPI schemas) at its own path, and checked from that root.
 */
function repositoryCandidates(agentgateway: Mirror): ConfigCase[] {
  const files = new Set(agentgateway.list());
  const candidates: ConfigCase[] = [];
  for (const path of files) {
    const example = /^examples\/mcp-[^/]+\/.+\.ya?ml$/.test(path);
    const test = /^crates\/agentgateway\/src\/types\/local_tests\/[^/]+_config\.yaml$/.test(path);
    if (!example && !test) continue;
    const text = agentgateway.read(path) ?? "";
    const named = new Map<string, Buffer>();
    for (const file of namedFiles(text, files)) {
      const bytes = agentgateway.bytes(file);
      if (bytes) named.set(file, bytes);
    }
    candidates.push({
      source: `agentgateway:${path}`,
      group: example ? "agentgateway examples/mcp-*" : "agentgateway local_tests",
      text,
      configPath: path,
      files: named,
    });
  }
  return candidates;
}

/** Whether a YAML text is an agentgateway MCP config, or why not. */
export function classify(text: string): "config" | SkipReason {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((doc) => doc.errors.length)) return "not parseable YAML";
  const values = docs.map((doc) => doc.toJS() as unknown).filter((value) => value != null);
  const isMap = (value: unknown): value is Record<string, unknown> =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (values.some((value) => isMap(value) && ("apiVersion" in value || "kind" in value))) {
    return "kubernetes manifest";
  }
  const [config] = values;
  if (values.length !== 1 || !isMap(config) || !CONFIG_KEYS.some((key) => key in config)) {
    return "not an agentgateway config (no top-level binds, gateways, routes or mcp)";
  }
  return hasMcpBackend(config) ? "config" : "config without an MCP backend";
}

/** An `mcp:` map with `targets`, anywhere: the shorthand at the top, or a route's backend. */
function hasMcpBackend(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMcpBackend);
  if (typeof value !== "object" || value === null) return false;
  const map = value as Record<string, unknown>;
  const mcp = map.mcp;
  if (typeof mcp === "object" && mcp !== null && "targets" in mcp) return true;
  return Object.values(map).some(hasMcpBackend);
}

/** The string values of a config that are paths of files in `files` (`./` or not). */
function namedFiles(text: string, files: Set<string>): string[] {
  const named = new Set<string>();
  visit(parseDocument(text), {
    Scalar(key, node) {
      const path = key === "key" ? undefined : String(node.value).replace(/^\.\//, "");
      if (path && files.has(path)) named.add(path);
    },
  });
  return [...named];
}

/** The same config, whatever its comments, quoting or layout. */
function contentKey(text: string): string {
  return JSON.stringify(parseDocument(text).toJS());
}
