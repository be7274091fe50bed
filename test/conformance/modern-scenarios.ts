/**
 * What the conformance suite (0.2.0-alpha.12, pinned in test/node22-tools) runs for
 * `--requirements 2026-07-28` against the modern conformance server (`modern-server.ts`),
 * split by outcome. Pinned so that a server change, or a suite upgrade that adds, drops or
 * fixes scenarios, shows up as a difference.
 */

/**
 * The scenarios the modern server passes directly, sorted: every one of the 37 that
 * 2026-07-28 requires, and three more the set runs without scoring because they are pending
 * in the suite (marked).
 */
export const MODERN_SCENARIOS_2026_07_28: readonly string[] = [
  "caching",
  "completion-complete",
  "dns-rebinding-protection",
  "http-custom-header-server-validation", // pending, not scored
  "http-header-validation", // pending, not scored
  "input-required-result-basic-elicitation",
  "input-required-result-basic-list-roots",
  "input-required-result-basic-sampling",
  "input-required-result-capability-check",
  "input-required-result-ignore-extra-params",
  "input-required-result-missing-input-response",
  "input-required-result-multi-round",
  "input-required-result-multiple-input-requests",
  "input-required-result-non-tool-request",
  "input-required-result-request-state",
  "input-required-result-result-type",
  "input-required-result-tampered-state",
  "input-required-result-unsupported-methods",
  "input-required-result-validate-input",
  "json-schema-2020-12", // pending, not scored
  "prompts-get-embedded-resource",
  "prompts-get-simple",
  "prompts-get-with-args",
  "prompts-get-with-image",
  "prompts-list",
  "resources-list",
  "resources-read-binary",
  "resources-read-text",
  "resources-templates-read",
  "sep-2164-resource-not-found",
  "server-sse-multiple-streams",
  "server-stateless",
  "tools-call-audio",
  "tools-call-embedded-resource",
  "tools-call-error",
  "tools-call-image",
  "tools-call-mixed-content",
  "tools-call-simple-text",
  "tools-call-with-progress",
  "tools-list",
];

const NO_TASKS_IN_THE_SDK =
  "SDK 2.4.0 has no tasks extension (SEP-2663), and this server does not build one by hand";

/**
 * The scenarios of the same run that the modern server does not pass, with why. All are
 * extensions, which no revision scores (SEP-1730).
 */
export const MODERN_SCENARIOS_NOT_PASSING_2026_07_28: Readonly<Record<string, string>> = {
  "tasks-capability-negotiation": NO_TASKS_IN_THE_SDK,
  "tasks-dispatch-and-envelope": NO_TASKS_IN_THE_SDK,
  "tasks-lifecycle": NO_TASKS_IN_THE_SDK,
  "tasks-mrtr-composition": NO_TASKS_IN_THE_SDK,
  "tasks-mrtr-input": NO_TASKS_IN_THE_SDK,
  "tasks-request-headers": NO_TASKS_IN_THE_SDK,
  "tasks-request-state-removal": NO_TASKS_IN_THE_SDK,
  "tasks-required-task-error": NO_TASKS_IN_THE_SDK,
  "tasks-status-notifications":
    "the suite skips it: its only check waits for a rewrite onto subscriptions/listen",
  "tasks-wire-fields": NO_TASKS_IN_THE_SDK,
};
