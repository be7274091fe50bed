/**
 * One exchange with the processor: Envoy's `envoy.service.ext_proc.v3.ExternalProcessor/Process`,
 * a bidirectional gRPC stream that lives as long as one request and its answer. Loaded only by a
 * config that uses extProc, with grpc-js and the protos.
 */
import { Client, Metadata, status as grpcStatus, type ClientDuplexStream } from "@grpc/grpc-js";
import { grpcClient } from "../grpc-client";
import { MAX_ANSWER_BYTES } from "../ext-authz/check";
import { PROCESS_METHOD, ProcessingRequest, ProcessingResponse } from "../ext-authz/envoy-protos";
import type { ServiceAddress } from "../ext-authz/service-address";
import type { ProcessingResponseObject } from "./messages";

const serialize = (message: object): Buffer =>
  Buffer.from(ProcessingRequest.encode(ProcessingRequest.fromObject(message)).finish());
const deserialize = (bytes: Buffer): ProcessingResponseObject =>
  ProcessingResponse.toObject(ProcessingResponse.decode(bytes), {
    longs: Number,
    enums: Number,
  }) as ProcessingResponseObject;

/** Why the processor could not be heard: the stream failed, ended, or was silent too long. */
export class ProcessorFailure extends Error {}

/** The processor's channel, shared by every exchange of one compiled policy. */
export class Processor {
  private readonly client: Client;

  constructor(
    address: ServiceAddress,
    private readonly timeoutMs: number,
  ) {
    this.client = grpcClient(address, MAX_ANSWER_BYTES);
  }

  open(): ProcessorStream {
    return new ProcessorStream(this.client, this.timeoutMs);
  }

  close(): void {
    this.client.close();
  }
}

/**
 * Sends a message and waits for the processor's next one, each wait bounded: a processor that
 * does not answer in time has failed, as one that ends the stream or errs has.
 */
export class ProcessorStream {
  private readonly call: ClientDuplexStream<object, ProcessingResponseObject>;
  private readonly received: ProcessingResponseObject[] = [];
  private waiting: ((outcome: ProcessingResponseObject | ProcessorFailure) => void) | undefined;
  private failure: ProcessorFailure | undefined;

  constructor(
    client: Client,
    private readonly timeoutMs: number,
  ) {
    this.call = client.makeBidiStreamRequest(
      PROCESS_METHOD,
      serialize,
      deserialize,
      new Metadata(),
    );
    this.call.on("data", (message: ProcessingResponseObject) => {
      if (this.waiting) this.settle(message);
      else this.received.push(message);
    });
    this.call.on("error", (error: Error & { code?: number; details?: string }) => {
      const name = error.code === undefined ? undefined : grpcStatus[error.code];
      this.fail(name ? `gRPC ${name}: ${error.details ?? error.message}` : error.message);
    });
    this.call.on("end", () => this.fail("the processor ended the stream"));
  }

  /** Sends `message` and returns the processor's next message. */
  exchange(message: object): Promise<ProcessingResponseObject> {
    if (!this.failure) {
      try {
        this.call.write(message);
      } catch (error) {
        // A message that cannot be encoded, or a channel a reload closed.
        this.fail((error as Error).message);
      }
    }
    return this.next();
  }

  /** The processor's next message, or why none came. */
  next(): Promise<ProcessingResponseObject> {
    const ready = this.received.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(`the processor did not answer within ${this.timeoutMs} ms`),
        this.timeoutMs,
      );
      this.waiting = (outcome) => {
        clearTimeout(timer);
        if (outcome instanceof ProcessorFailure) reject(outcome);
        else resolve(outcome);
      };
    });
  }

  /** Ends the exchange: the processor hears that no more messages come. */
  end(): void {
    if (this.failure) return;
    this.failure = new ProcessorFailure("the exchange is over");
    this.call.end();
    this.call.cancel();
  }

  private settle(outcome: ProcessingResponseObject | ProcessorFailure): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(outcome);
  }

  private fail(cause: string): void {
    this.failure ??= new ProcessorFailure(cause);
    this.settle(this.failure);
  }
}
