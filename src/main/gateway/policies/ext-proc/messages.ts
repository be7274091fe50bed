/**
 * The processor's messages as protobufjs decodes them (snake_case, as the .proto names them),
 * and what they mean to a request and its answer: header changes, and a replacing answer.
 */
import type { Answer } from "../policy";
import {
  answerHeaders,
  headerChanges,
  type HeaderValueOptionObject,
} from "../ext-authz/grpc-check";
import type { HeaderChange } from "../ext-authz/check";
import { isSettableHeader } from "../ext-authz/header-names";

export interface HeaderMutationObject {
  set_headers?: HeaderValueOptionObject[];
  remove_headers?: string[];
}

export interface CommonResponseObject {
  header_mutation?: HeaderMutationObject;
  body_mutation?: { body?: Buffer; clear_body?: boolean; streamed_response?: StreamedBody };
}

export interface StreamedBody {
  body?: Buffer;
  end_of_stream?: boolean;
}

export interface ProcessingModeObject {
  response_header_mode?: number;
  request_body_mode?: number;
}

export interface ProcessingResponseObject {
  request_headers?: { response?: CommonResponseObject };
  response_headers?: { response?: CommonResponseObject };
  request_body?: { response?: CommonResponseObject };
  immediate_response?: {
    status?: { code?: number };
    headers?: HeaderMutationObject;
    body?: string;
    details?: string;
  };
  mode_override?: ProcessingModeObject;
}

/** Which answer a message is, by the field of its `response` oneof that is set. */
export type ResponseKind = Exclude<keyof ProcessingResponseObject, "mode_override">;

/** What a header mutation does, in agentgateway's order: removals, then the values it sets. */
export interface HeaderMutation {
  remove: string[];
  set: HeaderChange[];
}

export function headerMutation(mutation: HeaderMutationObject | undefined): HeaderMutation {
  return {
    // Pseudo-headers and malformed names are not headers Gatehouse can remove: skipped, as
    // agentgateway skips what it cannot apply.
    remove: (mutation?.remove_headers ?? [])
      .map((name) => name.toLowerCase())
      .filter((name) => isSettableHeader(name, "")),
    set: headerChanges(mutation?.set_headers),
  };
}

/**
 * The processor's answer in place of the targets; its status as given (200 when it gives none,
 * as agentgateway has it), logged as a denial.
 */
export function immediateAnswer(
  immediate: NonNullable<ProcessingResponseObject["immediate_response"]>,
  phase: string,
): Answer {
  const code = immediate.status?.code;
  const status = code !== undefined && code >= 200 && code <= 599 ? code : 200;
  const details = immediate.details ? `: ${immediate.details}` : "";
  const { set } = headerMutation(immediate.headers);
  return {
    status,
    headers: answerHeaders(set),
    body: immediate.body ?? "",
    reason: `extProc: the processor answered the ${phase} in place of the targets (${status}${details})`,
  };
}
