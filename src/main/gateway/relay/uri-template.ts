const EXPRESSION = /\{[^}]*\}/;

/**
 * Whether `uri` could have been expanded from the RFC 6570 `template` of a resource, e.g.
 * `demo://resource/dynamic/text/7` from `demo://resource/dynamic/text/{id}`: its literal parts
 * appear in order, the first at the start and the last at the end. Looser than a full match,
 * which only matters when two templates of different targets fit one URI (then both are named
 * in an error), and linear in the URI, where a regular expression made from a template could
 * take exponential time on a long one.
 */
export function matchesUriTemplate(template: string, uri: string): boolean {
  const literals = template.split(EXPRESSION);
  const first = literals[0] as string;
  const last = literals.at(-1) as string;
  if (literals.length === 1) return uri === template;
  if (!uri.startsWith(first) || uri.length < first.length + last.length) return false;
  let at = first.length;
  for (const literal of literals.slice(1, -1)) {
    const found = uri.indexOf(literal, at);
    if (found === -1) return false;
    at = found + literal.length;
  }
  return uri.endsWith(last) && uri.length - last.length >= at;
}
