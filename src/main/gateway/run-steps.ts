import type { PolicyRequest, StepResult } from "./policies/policy";
import type { PipelineStep } from "./runtime";

/**
 * Runs request steps in order until one answers. Steps that decide at once (most do) cost no
 * promise; the first that has to wait turns the rest of the run asynchronous.
 */
export function runSteps(
  steps: readonly PipelineStep[],
  request: PolicyRequest,
  from = 0,
): StepResult | Promise<StepResult> {
  for (let i = from; i < steps.length; i++) {
    const result = (steps[i] as PipelineStep)(request);
    if (result instanceof Promise) {
      return result.then((answer) => answer ?? runSteps(steps, request, i + 1));
    }
    if (result) return result;
  }
  return undefined;
}
