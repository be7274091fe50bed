export { toCelValue } from "./claims";
export { ARGUMENTS_NOT_KNOWN, RuleSet } from "./rule-set";
export type {
  CelContext,
  Decision,
  RuleEffect,
  RuleProblem,
  RuleScope,
  RuleSpec,
} from "./rule-types";
