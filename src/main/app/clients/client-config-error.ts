/**
 * A client's config file that cannot be set up (not JSON, too large, not a file), or a request
 * that does not fit the client: said so a person can act on it, naming the file.
 */
export class ClientConfigError extends Error {}
