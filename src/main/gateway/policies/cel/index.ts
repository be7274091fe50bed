export { toCelValue } from "./claims";
export { RuleSet } from "./rule-set";
export type {
  CelContext,
  Decision,
  RuleEffect,
  RuleProblem,
  RuleScope,
  RuleSpec,
} from "./rule-types";
