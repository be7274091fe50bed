/**
 * An Envoy-compatible external processor for the extProc tests: grpc-js on 127.0.0.1, with the
 * protos loaded by @grpc/proto-loader as any Node server would. It decides by the `x-extproc`
 * header of the request each stream carries.
 */
import { fileURLToPath } from "node:url";
import {
  Server as GrpcServer,
  ServerCredentials,
  type ServerDuplexStream,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { loadSync } from "@grpc/proto-loader";

const protoDir = (policy: string) =>
  fileURLToPath(new URL(`../../src/main/gateway/policies/${policy}/proto/`, import.meta.url));

interface HeaderMap {
  headers: { key: string; value: string; raw_value: Buffer }[];
}

/** A ProcessingRequest as proto-loader decodes it (keepCase, oneofs). */
export interface ReceivedMessage {
  request: "request_headers" | "response_headers" | "request_body" | "response_body";
  request_headers?: { headers: HeaderMap; end_of_stream: boolean };
  response_headers?: { headers: HeaderMap; end_of_stream: boolean };
  request_body?: { body: Buffer; end_of_stream: boolean };
  protocol_config?: { request_body_mode: string; response_body_mode: string };
}

export interface ExtProcServer {
  address: string;
  /** Every stream's messages, one list per stream. */
  streams: ReceivedMessage[][];
  close(): Promise<void>;
}

const header = (key: string, value: string) => ({ header: { key, value } });

/** A header's value as the gateway sent it: pseudo-headers as text, others as bytes. */
export function headerValue(map: HeaderMap | undefined, name: string): string | undefined {
  const found = map?.headers.find((entry) => entry.key === name);
  if (!found) return undefined;
  return found.raw_value.length > 0 ? found.raw_value.toString("latin1") : found.value;
}

/**
 * The request's headers: `x-extproc: deny` gets an ImmediateResponse 403; otherwise x-user is
 * set and x-secret removed. Its body is let through, unless `x-extproc: rewrite-body` asks to
 * replace it. The answer's headers get x-processed.
 */
function answer(message: ReceivedMessage, mark: string | undefined): object {
  switch (message.request) {
    case "request_headers":
      if (mark === "deny") {
        return {
          immediate_response: {
            status: { code: 403 },
            headers: { set_headers: [header("x-denied-by", "extproc")] },
            body: "blocked by the processor",
            details: "marked",
          },
        };
      }
      return {
        request_headers: {
          response: {
            header_mutation: {
              set_headers: [header("x-user", "from-extproc")],
              remove_headers: ["x-secret"],
            },
          },
        },
      };
    case "request_body":
      return mark === "rewrite-body"
        ? { request_body: { response: { body_mutation: { body: Buffer.from("{}") } } } }
        : { request_body: { response: {} } };
    case "response_headers":
      return {
        response_headers: {
          response: { header_mutation: { set_headers: [header("x-processed", "yes")] } },
        },
      };
    default:
      return {};
  }
}

export async function startExtProc(): Promise<ExtProcServer> {
  const definition = loadSync("envoy/service/ext_proc/v3/external_processor.proto", {
    includeDirs: [protoDir("ext-proc"), protoDir("ext-authz")],
    keepCase: true,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const service = (definition["envoy.service.ext_proc.v3.ExternalProcessor"] ?? {}) as Parameters<
    GrpcServer["addService"]
  >[0];
  const streams: ReceivedMessage[][] = [];
  const implementation: UntypedServiceImplementation = {
    Process(call: ServerDuplexStream<ReceivedMessage, object>) {
      const received: ReceivedMessage[] = [];
      streams.push(received);
      let mark: string | undefined;
      call.on("data", (message: ReceivedMessage) => {
        received.push(message);
        if (message.request === "request_headers") {
          mark = headerValue(message.request_headers?.headers, "x-extproc");
        }
        call.write(answer(message, mark));
      });
      call.on("end", () => call.end());
      call.on("error", () => undefined);
    },
  };
  const server = new GrpcServer();
  server.addService(service, implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    streams,
    close: () => {
      server.forceShutdown();
      return Promise.resolve();
    },
  };
}
