import type {
  EventId,
  EventStore,
  StreamId,
} from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

interface StoredEvent {
  id: EventId;
  message: JSONRPCMessage;
}

/**
 * Every SSE event one session sent, so that a client whose stream broke can resume it with
 * `Last-Event-ID` (resumability, SEP-1699). One store per session: it lives and dies with the
 * session, so nothing is ever evicted.
 */
export class InMemoryEventStore implements EventStore {
  private readonly streamOfEvent = new Map<EventId, StreamId>();
  private readonly eventsOfStream = new Map<StreamId, StoredEvent[]>();
  private eventCount = 0;

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = String(++this.eventCount);
    this.streamOfEvent.set(id, streamId);
    const events = this.eventsOfStream.get(streamId) ?? [];
    events.push({ id, message });
    this.eventsOfStream.set(streamId, events);
    return id;
  }

  async getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return this.streamOfEvent.get(eventId);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const streamId = this.streamOfEvent.get(lastEventId);
    // The transport asks getStreamIdForEventId first and answers 400 for unknown ids.
    if (streamId === undefined) throw new Error(`Unknown event id: ${lastEventId}`);
    const events = this.eventsOfStream.get(streamId) ?? [];
    const resumeAt = events.findIndex((event) => event.id === lastEventId) + 1;
    for (const event of events.slice(resumeAt)) {
      // The transport stores its priming event (the empty one that opens a stream and hands the
      // client its first cursor) as `{}`. It carries no message, so it is not replayed.
      if (!("jsonrpc" in event.message)) continue;
      await send(event.id, event.message);
    }
    return streamId;
  }
}
