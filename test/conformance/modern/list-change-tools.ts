import type { ServerEventBus } from "@modelcontextprotocol/server";
import { textResult } from "../server/conformance-tool";
import type { ModernTool } from "./modern-tool";

/**
 * The suite's hooks for list-change notifications: each announces a change of its list on
 * every open `subscriptions/listen` stream that asked for that kind, as a real change would.
 * The SDK's listen router does the filtering and stamps each stream's subscription id.
 */
export function listChangeTools(events: ServerEventBus): ModernTool[] {
  return [
    {
      name: "test_trigger_tool_change",
      description: "Announces a change of the tool list to open subscriptions",
      call: () => {
        events.publish({ kind: "tools_list_changed" });
        return textResult("Announced a tool list change");
      },
    },
    {
      name: "test_trigger_prompt_change",
      description: "Announces a change of the prompt list to open subscriptions",
      call: () => {
        events.publish({ kind: "prompts_list_changed" });
        return textResult("Announced a prompt list change");
      },
    },
  ];
}
