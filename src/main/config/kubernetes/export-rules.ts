import type { RuleConfig } from "../../gateway/policies/rules";

/** agentgateway's Kubernetes `Authorization`: one action, each expression a rule of it. */
export interface ExportedAuthorization {
  action: "Allow" | "Deny" | "Require";
  policy: { matchExpressions: string[] };
}

/**
 * Local rules as one Kubernetes authorization. Rules of one effect keep their expressions;
 * a mix of effects becomes the one Allow expression that decides the same (any allow, no deny,
 * every require), which is `combined`. Without rules there is nothing to say.
 */
export function exportRules(rules: readonly RuleConfig[]): {
  authorization?: ExportedAuthorization;
  combined: boolean;
} {
  const byEffect = { Allow: [] as string[], Deny: [] as string[], Require: [] as string[] };
  for (const rule of rules) {
    if (typeof rule === "string") byEffect.Allow.push(rule);
    else if ("allow" in rule) byEffect.Allow.push(rule.allow);
    else if ("deny" in rule) byEffect.Deny.push(rule.deny);
    else byEffect.Require.push(rule.require);
  }
  const used = (Object.keys(byEffect) as (keyof typeof byEffect)[]).filter(
    (effect) => byEffect[effect].length,
  );
  const [only, ...others] = used;
  if (!only) return { combined: false };
  if (!others.length) {
    return {
      authorization: { action: only, policy: { matchExpressions: byEffect[only] } },
      combined: false,
    };
  }
  const parts = [
    ...(byEffect.Allow.length ? [`(${byEffect.Allow.map(grouped).join(" || ")})`] : []),
    ...byEffect.Deny.map((expression) => `!${grouped(expression)}`),
    ...byEffect.Require.map(grouped),
  ];
  return {
    authorization: { action: "Allow", policy: { matchExpressions: [parts.join(" && ")] } },
    combined: true,
  };
}

function grouped(expression: string): string {
  return `(${expression})`;
}
