import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

export const API = "/api/v1";

export type ErrorBody = {
  error: { code: string; message: string; issues?: { path: string; message: string }[]; current?: Record<string, unknown> };
};

export function uniq(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/** Reads an error response and checks the contract's envelope; never a stack trace in the message. */
export async function errorOf(res: APIResponse, status: number): Promise<ErrorBody["error"]> {
  expect(res.status(), await res.text()).toBe(status);
  expect(res.headers()["content-type"] ?? "").toContain("application/json");
  const body = (await res.json()) as ErrorBody;
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
  expect(body.error.message).not.toMatch(/\n\s+at /);
  return body.error;
}

export async function createIncident(
  request: APIRequestContext,
  over: Record<string, unknown> = {},
): Promise<{ id: string; version: number; status: string }> {
  const res = await request.post(`${API}/incidents`, {
    data: { title: uniq("api incident"), severity: "sev3", startedAt: "2026-11-20T08:00:00+08:00", ...over },
  });
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { data: { id: string; version: number; status: string } }).data;
}
