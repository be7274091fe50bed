import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as GrpcServer, ServerCredentials, status } from "@grpc/grpc-js";
import protobuf from "protobufjs";

/**
 * The parts of OpenTelemetry's OTLP trace and logs protocols (opentelemetry-proto, trace/v1 and
 * logs/v1) that a receiver needs to read what an exporter sends, with the protocol's own field
 * numbers.
 */
const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse {}
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
message LogRecord {
  fixed64 time_unix_nano = 1;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  bytes trace_id = 9;
  bytes span_id = 10;
}
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const root = protobuf.parse(OTLP_PROTO).root;
const ExportRequest = root.lookupType("otlp.ExportTraceServiceRequest");
const ExportLogsRequest = root.lookupType("otlp.ExportLogsServiceRequest");
const ExportResponse = root.lookupType("otlp.ExportTraceServiceResponse");

type Attribute = string | number | boolean;

/** One span as the receiver got it: ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, Attribute>;
  status: { code: number; message: string };
  resource: Record<string, Attribute>;
  scope: string;
}

/** One log record as the receiver got it: ids in hex (empty without), attributes as plain values. */
export interface ReceivedLogRecord {
  severityNumber: number;
  severityText: string;
  body: Attribute | undefined;
  attributes: Record<string, Attribute>;
  traceId: string;
  spanId: string;
  resource: Record<string, Attribute>;
  scope: string;
}

export interface OtlpReceiver {
  /** `host:port` for gRPC, the origin (http://127.0.0.1:port) for HTTP. */
  address: string;
  spans: ReceivedSpan[];
  /** Log records: what was sent to /v1/logs (HTTP) or the LogsService (gRPC). */
  logs: ReceivedLogRecord[];
  /** The request paths (HTTP) and metadata/headers it was sent. */
  requests: { path: string; headers: Record<string, string> }[];
  close(): Promise<void>;
}

interface DecodedRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { scope?: { name?: string }; spans?: DecodedSpan[] }[];
  }[];
}
interface KeyValue {
  key: string;
  value?: Record<string, unknown>;
}
interface DecodedSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  attributes?: KeyValue[];
  status?: { message?: string; code?: number };
}

function decode(body: Uint8Array): ReceivedSpan[] {
  const request = ExportRequest.toObject(ExportRequest.decode(body), {
    longs: Number,
    defaults: false,
  }) as DecodedRequest;
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = attributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: hex(span.traceId),
        spanId: hex(span.spanId),
        parentSpanId: hex(span.parentSpanId),
        name: span.name,
        kind: span.kind ?? 0,
        attributes: attributes(span.attributes),
        status: { code: span.status?.code ?? 0, message: span.status?.message ?? "" },
        resource,
        scope: scopeSpans.scope?.name ?? "",
      })),
    );
  });
}

interface DecodedLogsRequest {
  resourceLogs?: {
    resource?: { attributes?: KeyValue[] };
    scopeLogs?: { scope?: { name?: string }; logRecords?: DecodedLogRecord[] }[];
  }[];
}
interface DecodedLogRecord {
  severityNumber?: number;
  severityText?: string;
  body?: Record<string, unknown>;
  attributes?: KeyValue[];
  traceId?: Uint8Array;
  spanId?: Uint8Array;
}

function decodeLogs(body: Uint8Array): ReceivedLogRecord[] {
  const request = ExportLogsRequest.toObject(ExportLogsRequest.decode(body), {
    longs: Number,
    defaults: false,
  }) as DecodedLogsRequest;
  return (request.resourceLogs ?? []).flatMap((resourceLogs) => {
    const resource = attributes(resourceLogs.resource?.attributes);
    return (resourceLogs.scopeLogs ?? []).flatMap((scopeLogs) =>
      (scopeLogs.logRecords ?? []).map((record) => ({
        severityNumber: record.severityNumber ?? 0,
        severityText: record.severityText ?? "",
        body: Object.values(record.body ?? {})[0] as Attribute | undefined,
        attributes: attributes(record.attributes),
        traceId: hex(record.traceId),
        spanId: hex(record.spanId),
        resource,
        scope: scopeLogs.scope?.name ?? "",
      })),
    );
  });
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString("hex") : "";
}

function attributes(list: KeyValue[] | undefined): Record<string, Attribute> {
  const out: Record<string, Attribute> = {};
  for (const { key, value } of list ?? []) {
    const [only] = Object.values(value ?? {});
    out[key] = only as Attribute;
  }
  return out;
}

/** A real OTLP/HTTP receiver: protobuf POSTs, answered as a collector answers. */
export async function startHttpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLogRecord[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({ path: req.url ?? "", headers: req.headers as Record<string, string> });
      if (req.headers["content-type"] !== "application/x-protobuf") {
        res.writeHead(415).end();
        return;
      }
      const body = Buffer.concat(chunks);
      if (req.url === "/v1/logs") logs.push(...decodeLogs(body));
      else spans.push(...decode(body));
      res.writeHead(200, { "Content-Type": "application/x-protobuf" });
      res.end(ExportResponse.encode(ExportResponse.create({})).finish());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `http://127.0.0.1:${port}`,
    spans,
    logs,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A real OTLP/gRPC receiver: the collector's TraceService/Export and LogsService/Export. */
export async function startGrpcReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLogRecord[] = [];
  const requests: OtlpReceiver["requests"] = [];
  const server = new GrpcServer();
  const addExport = <T>(service: string, decodeBody: (body: Buffer) => T[], into: T[]) =>
    server.addService(
      {
        Export: {
          path: `/opentelemetry.proto.collector.${service}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: (value: Buffer) => value,
          requestDeserialize: (bytes: Buffer) => bytes,
          // Both services answer with an empty message.
          responseSerialize: () => Buffer.from(ExportResponse.encode({}).finish()),
          responseDeserialize: (bytes: Buffer) => bytes,
        },
      },
      {
        Export: (
          call: { request: Buffer; metadata: { getMap(): Record<string, unknown> } },
          callback: (error: { code: number } | null, value?: object) => void,
        ) => {
          const headers = Object.fromEntries(
            Object.entries(call.metadata.getMap()).map(([key, value]) => [key, String(value)]),
          );
          requests.push({ path: "Export", headers });
          try {
            into.push(...decodeBody(call.request));
          } catch {
            callback({ code: status.INVALID_ARGUMENT });
            return;
          }
          callback(null, {});
        },
      },
    );
  addExport("trace.v1.TraceService", decode, spans);
  addExport("logs.v1.LogsService", decodeLogs, logs);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    spans,
    logs,
    requests,
    close: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}
