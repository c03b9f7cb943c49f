// Calling app/api/v1 route handlers as functions with real Requests (integration tests of lib/server).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { TEST_ORIGIN } from "./auth";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response bodies under test

/** The credential every call carries: set it once in beforeAll (e.g. a signed-in admin's session; roles are tested
 *  in lib/server/auth). */
export const signedIn: { headers: Record<string, string> } = { headers: {} };

export async function call(
  handler: (r: Request, c: never) => Promise<Response>,
  method: string,
  url: string,
  params: Record<string, string>,
  init: { body?: BodyInit | Buffer | Uint8Array; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json; headers: Headers }> {
  const body = init.body instanceof Uint8Array ? new Uint8Array(init.body) : init.body;
  const req = new Request(`${TEST_ORIGIN}/api/v1${url}`, {
    method,
    headers: { ...signedIn.headers, ...init.headers },
    body,
    ...(body !== undefined ? { duplex: "half" } : {}),
  } as RequestInit);
  const res = await handler(req, { params: Promise.resolve(params) } as never);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : {}, headers: res.headers };
}

/** `tar -czf` of a directory's content (the real tool, as a user would pack a bundle). */
export function tarGz(dir: string, out: string): Buffer {
  execFileSync("tar", ["-C", dir, "-czf", out, "."]);
  return readFileSync(out);
}

/** The parts of an Analysis that must not depend on the road the evidence took (hosts' file lists may be ordered differently). */
export function verdict(a: Json) {
  return {
    rootCause: a.rootCause,
    leading: a.leading ?? null,
    findings: a.findings,
    checked: a.checked,
    latency: a.latency,
    unreadable: a.unreadable ?? null,
  };
}
