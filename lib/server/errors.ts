// Typed failures a service can raise. They carry no HTTP status: lib/server/http.ts is the one place that maps
// errors to responses, so services stay usable from the CLI and tests.

export class NotFoundError extends Error {
  constructor(readonly entity: string, readonly id?: string) {
    super(id ? `${entity} ${id} not found` : `${entity} not found`);
    this.name = "NotFoundError";
  }
}

/** A write lost a race (stale version) or hit a uniqueness rule. `current` is the state the caller should see. */
export class ConflictError extends Error {
  constructor(message: string, readonly current?: unknown) {
    super(message);
    this.name = "ConflictError";
  }
}

/** The request is well-formed but asks for a change the domain forbids (e.g. resolved -> mitigated). */
export class InvalidTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidTransitionError";
  }
}

export interface Issue {
  path: string;
  message: string;
}

/** Input problems found outside a zod schema (e.g. an undecodable cursor). */
export class ValidationError extends Error {
  constructor(message: string, readonly issues: Issue[] = []) {
    super(message);
    this.name = "ValidationError";
  }
}

export class InvalidJsonError extends Error {
  constructor(message = "request body is not valid JSON") {
    super(message);
    this.name = "InvalidJsonError";
  }
}

/** A Content-Type or Content-Encoding the route cannot read, or bytes that are none of the formats it takes: 415. */
export class UnsupportedMediaTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedMediaTypeError";
  }
}

/** The request body ended before it was complete (the client went away, or sent less than its Content-Length): 400. */
export class IncompleteBodyError extends Error {
  constructor(message = "the request body ended before it was complete") {
    super(message);
    this.name = "IncompleteBodyError";
  }
}

export class PayloadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`);
    this.name = "PayloadTooLargeError";
  }
}

/** No credential, or one that is not (or no longer) valid: 401. */
export class UnauthenticatedError extends Error {
  constructor(message = "sign in, or send Authorization: Bearer <token>") {
    super(message);
    this.name = "UnauthenticatedError";
  }
}

/** A valid credential that may not do this (role too low, wrong kind of token, cross-site write): 403. */
export class ForbiddenError extends Error {
  constructor(message: string, readonly code = "forbidden") {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** Too many requests: 429 with Retry-After. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number, message = "too many requests; try again later") {
    super(message);
    this.name = "RateLimitedError";
  }
}
