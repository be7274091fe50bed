/**
 * From a denial to the rule that decided it: the Config page, at the rule's line. The config is
 * where the rule can be read in full, beside the ones it was weighed against, and changed; the
 * Access page shows decisions per identity, which an anonymous or unknown caller has none of.
 */
export function RuleLink({ line }: { line: number }) {
  return (
    <a
      className="rule-link small"
      href={`#/config?line=${line}`}
      // The row opens its details on click; this link goes to the rule instead.
      onClick={(event) => event.stopPropagation()}
      title={`The rule that decided this, in Config at line ${line}`}
    >
      rule at line {line}
    </a>
  );
}
