// The few calls the sign-in, set-up and account pages make outside the typed /api/v1 client.

export type AuthFailure = { status: number; message: string; retryAfterSeconds?: number };

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
    cache: "no-store",
  });
}

function minutes(seconds: number): string {
  const m = Math.ceil(seconds / 60);
  return m <= 1 ? "a minute" : `${m} minutes`;
}

/** better-auth answers { code, message }; our routes { error: { code, message } }. */
async function failure(res: Response): Promise<AuthFailure> {
  let message = `The server answered ${res.status}.`;
  try {
    const j = (await res.json()) as { message?: string; error?: { message?: string } };
    message = j.error?.message ?? j.message ?? message;
  } catch {
    // keep the status line
  }
  const retry = Number(res.headers.get("retry-after") ?? "");
  return { status: res.status, message, ...(Number.isFinite(retry) && retry > 0 ? { retryAfterSeconds: retry } : {}) };
}

export async function signIn(email: string, password: string): Promise<AuthFailure | null> {
  try {
    const res = await post("/api/auth/sign-in/email", { email, password });
    if (res.ok) return null;
    const f = await failure(res);
    if (res.status === 401) return { ...f, message: "The email or password is not right." };
    if (res.status === 429) {
      return { ...f, message: `Too many attempts. Try again in ${minutes(f.retryAfterSeconds ?? 60)}.` };
    }
    return f;
  } catch {
    return { status: 0, message: "Could not reach the server. Check your connection and try again." };
  }
}

export async function postJson(path: string, body: unknown): Promise<{ ok: true; data: unknown } | { ok: false; failure: AuthFailure; issues: { path: string; message: string }[] }> {
  try {
    const res = await post(path, body);
    if (res.ok) return { ok: true, data: ((await res.json()) as { data?: unknown }).data };
    const clone = res.clone();
    let issues: { path: string; message: string }[] = [];
    try {
      issues = ((await clone.json()) as { error?: { issues?: { path: string; message: string }[] } }).error?.issues ?? [];
    } catch {
      issues = [];
    }
    return { ok: false, failure: await failure(res), issues };
  } catch {
    return { ok: false, failure: { status: 0, message: "Could not reach the server. Check your connection and try again." }, issues: [] };
  }
}
