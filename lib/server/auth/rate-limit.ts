// Rate limits (rate-limiter-flexible).
// - Sign-in, in the database (rate_limits), so every instance counts together and a restart forgets nothing:
//   per email, SIGN_IN_EMAIL_POINTS attempts per window (a success clears the email's count), and per client address,
//   SIGN_IN_ADDRESS_POINTS attempts per window (a success gives its point back). The attempt is counted BEFORE the
//   password is checked, so concurrent guesses cannot slip past the count. With 5 points, the 6th failed sign-in for
//   one email within the window is answered 429 with Retry-After.
// - Ingest, per token, in memory: the ingest routes must sustain hundreds of requests a second and a database write
//   per request for the limiter would cost as much as the snapshot itself; the limit therefore holds per instance.
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";
import type { PrismaClient } from "../../generated/prisma/client";
import { getPrisma } from "../db";

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}

export const SIGN_IN_WINDOW_SECONDS = envInt("NETMORTEM_SIGNIN_WINDOW_SECONDS", 15 * 60);
export const SIGN_IN_EMAIL_POINTS = envInt("NETMORTEM_SIGNIN_EMAIL_ATTEMPTS", 5);
export const SIGN_IN_ADDRESS_POINTS = envInt("NETMORTEM_SIGNIN_ADDRESS_ATTEMPTS", 30);
export const INGEST_PER_MINUTE = envInt("NETMORTEM_INGEST_PER_MINUTE", 12_000);

type Limiters = { email: RateLimiterPrisma; address: RateLimiterPrisma };
const store = globalThis as typeof globalThis & {
  __netmortemLimiters?: WeakMap<PrismaClient, Limiters>;
  __netmortemIngestLimiter?: RateLimiterMemory;
};

async function signInLimiters(): Promise<Limiters> {
  const prisma = await getPrisma();
  store.__netmortemLimiters ??= new WeakMap();
  let l = store.__netmortemLimiters.get(prisma);
  if (!l) {
    const common = { storeClient: prisma, tableName: "rateLimiterFlexible", duration: SIGN_IN_WINDOW_SECONDS };
    l = {
      email: new RateLimiterPrisma({ ...common, keyPrefix: "signin_email", points: SIGN_IN_EMAIL_POINTS }),
      address: new RateLimiterPrisma({ ...common, keyPrefix: "signin_addr", points: SIGN_IN_ADDRESS_POINTS }),
    };
    store.__netmortemLimiters.set(prisma, l);
  }
  return l;
}

export type Allowance = { ok: true } | { ok: false; retryAfterSeconds: number; reason: "email" | "address" | "token" };

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** Counts one sign-in attempt for the email and the address; refuses when either is over its limit. */
export async function takeSignInAttempt(email: string, address: string | null): Promise<Allowance> {
  const l = await signInLimiters();
  try {
    await l.email.consume(email.trim().toLowerCase());
  } catch (e) {
    if (e instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: retryAfter(e), reason: "email" };
    throw e;
  }
  if (address) {
    try {
      await l.address.consume(address);
    } catch (e) {
      if (e instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: retryAfter(e), reason: "address" };
      throw e;
    }
  }
  return { ok: true };
}

/** A successful sign-in: the email's failures are forgotten and the address gets its point back. */
export async function signInSucceeded(email: string, address: string | null): Promise<void> {
  const l = await signInLimiters();
  await l.email.delete(email.trim().toLowerCase());
  if (address) await l.address.reward(address, 1);
}

/** One ingest request of a token; refused with the seconds to wait when the token is over its rate. */
export async function takeIngestRequest(tokenId: string): Promise<Allowance> {
  if (!store.__netmortemIngestLimiter) resetIngestLimiter();
  const limiter = store.__netmortemIngestLimiter as RateLimiterMemory;
  try {
    await limiter.consume(tokenId);
    return { ok: true };
  } catch (e) {
    if (e instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: retryAfter(e), reason: "token" };
    throw e;
  }
}

/** Tests: a fresh ingest limiter with another rate. */
export function resetIngestLimiter(perMinute = INGEST_PER_MINUTE): void {
  store.__netmortemIngestLimiter = new RateLimiterMemory({ keyPrefix: "ingest", points: perMinute, duration: 60 });
}
