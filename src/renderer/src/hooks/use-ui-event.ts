import { useEffect, useRef } from "react";
import type { UiEvent } from "../../../shared/ui-api";
import { useUiClient } from "../api/ui-client-context";

/** Calls `onEvent` for every live event of the given type while the component is mounted. */
export function useUiEvent<K extends UiEvent["type"]>(
  type: K,
  onEvent: (event: Extract<UiEvent, { type: K }>) => void,
): void {
  const client = useUiClient();
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === type) handler.current(event as Extract<UiEvent, { type: K }>);
      }),
    [client, type],
  );
}
