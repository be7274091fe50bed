/**
 * Just enough of Hugo to read the agentgateway docs as a reader of the standalone `latest`
 * pages sees them: includes are inlined, content meant for other versions or for the
 * Kubernetes docs is dropped, and the YAML code blocks are picked out.
 */

/** What the page is rendered for: the names `version` and `conditional-text` test against. */
export interface RenderTarget {
  /** The version names of the docs being read, e.g. ["latest", "1.4.x"]. */
  versions: string[];
  /** The names of the docs flavour, for `conditional-text`. */
  flavours: string[];
}

/** A code block as the page shows it; `include` names the file a github-yaml include read. */
export interface YamlBlock {
  text: string;
  include?: string;
}

// `{{< name args >}}` or `{{% name args %}}`; Hugo treats both delimiters alike for our purpose.
const SHORTCODE = (name: string, args = "[^}]*?") =>
  new RegExp(`\\{\\{[<%]-?\\s*${name}\\s+${args}\\s*-?[>%]\\}\\}`, "g");
const COMMENT = /\{\{\/\*[\s\S]*?\*\/\}\}/g;
const REUSE = SHORTCODE("reuse", '"([^"]+)"');
// The site's includes of a file by URL: github-yaml renders a fenced block of its own, github
// the bare text (used inside a fence).
const GITHUB = /^\s*\{\{[<%]\s*github(?:-yaml)?\s+url="([^"]+)"\s*[>%]\}\}\s*$/;
// A glossary tooltip: the page shows its text.
const GLOSS = /\{\{[<%]\s*gloss\s+"[^"]*"\s*[>%]\}\}([\s\S]*?)\{\{[<%]\s*\/gloss\s*[>%]\}\}/g;

/**
 * Inlines `{{< reuse "agw-docs/..." >}}` (a file under `assets/`), recursively, and drops the
 * parts of `{{< version >}}` and `{{< conditional-text >}}` blocks that the target does not
 * show. Reads files through `read` (undefined when the file is not there).
 */
export function expandShortcodes(
  text: string,
  target: RenderTarget,
  read: (path: string) => string | undefined,
  depth = 0,
): string {
  let out = text.replace(COMMENT, "").replace(GLOSS, "$1");
  out = keepShown(out, "version", target.versions);
  out = keepShown(out, "conditional-text", target.flavours);
  if (depth < 8) {
    out = out.replace(REUSE, (_whole, path: string) => {
      const file = `assets/${path.replace(/^\/+/, "")}`;
      const included = read(file.endsWith(".md") ? file : `${file}.md`) ?? read(file);
      return included === undefined ? "" : expandShortcodes(included, target, read, depth + 1);
    });
  }
  return out;
}

/**
 * Resolves every `{{< name include-if="a,b" >}}…{{< /name >}}` (and `exclude-if`) of one
 * shortcode, innermost first so that nesting works: the body stays when the condition holds
 * for one of `names`, and goes otherwise. Shortcodes without a condition keep their body.
 */
function keepShown(text: string, name: string, names: string[]): string {
  const open = `\\{\\{[<%]\\s*${name}(?:\\s+[\\w-]+="[^"]*")*\\s*[>%]\\}\\}`;
  const close = `\\{\\{[<%]\\s*/${name}\\s*[>%]\\}\\}`;
  // An opening tag, then a body with no further opening tag of the same shortcode: the
  // innermost pair, so that a nested block is decided before the block around it.
  const innermost = new RegExp(`(${open})((?:(?!${open})[\\s\\S])*?)${close}`);
  let out = text;
  for (let match = innermost.exec(out); match; match = innermost.exec(out)) {
    const [whole, tag = "", body = ""] = match;
    const listed = (kind: string) =>
      new RegExp(`${kind}-if="([^"]*)"`).exec(tag)?.[1]?.split(/\s*,\s*/) ?? [];
    const include = listed("include");
    const exclude = listed("exclude");
    const shown =
      (include.length === 0 || include.some((n) => names.includes(n))) &&
      !exclude.some((n) => names.includes(n));
    out = out.slice(0, match.index) + (shown ? body : "") + out.slice(match.index + whole.length);
  }
  return out;
}

/**
 * The YAML code blocks of a page in order: ```yaml fences (at any indentation, as inside list
 * items and tabs) and includes of a file by URL (github-yaml alone, github inside a fence). Other fences are skipped whole, so a YAML-looking
 * line in a shell block is not mistaken for a block of its own. A fence that wraps its config
 * in `cat <<EOF > file.yaml … EOF` yields the config.
 */
export function yamlBlocks(markdown: string): YamlBlock[] {
  const blocks: YamlBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const include = GITHUB.exec(line);
    if (include) {
      blocks.push({ text: "", include: include[1] as string });
      continue;
    }
    const fence = /^([ \t]*)(`{3,}|~{3,})\s*([\w-]*)/.exec(line);
    if (!fence) continue;
    const [, indent = "", marker = "", language = ""] = fence;
    const body: string[] = [];
    const closing = new RegExp(`^[ \\t]*${marker[0]}{${marker.length},}\\s*$`);
    for (i++; i < lines.length && !closing.test(lines[i] as string); i++) {
      const bodyLine = lines[i] as string;
      body.push(bodyLine.startsWith(indent) ? bodyLine.slice(indent.length) : bodyLine.trimStart());
    }
    if (!/^ya?ml$/i.test(language)) continue;
    const text = unwrapHeredoc(body.join("\n"));
    const included = GITHUB.exec(text)?.[1];
    blocks.push(included ? { text: "", include: included } : { text });
  }
  return blocks;
}

/** `cat <<'EOF' > config.yaml\n…\nEOF` → the lines in between; other text is returned as is. */
function unwrapHeredoc(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim() !== "");
  const heredoc = /^cat\b.*<<-?\s*['"]?(\w+)['"]?/.exec(lines[start] ?? "");
  if (!heredoc) return text;
  const end = lines.findIndex((line, i) => i > start && line.trim() === heredoc[1]);
  return lines.slice(start + 1, end === -1 ? undefined : end).join("\n");
}

/** Whether Hugo templating is still in the text (a shortcode this reader does not expand). */
export function hasTemplating(text: string): boolean {
  return /\{\{[<%]/.test(text);
}
