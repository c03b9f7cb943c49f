// Idempotency-Key (agents send one per body and keep it through retries): a retried request is answered with the
// first answer and changes nothing; the same key with another body is a 409.
import { createHash } from "node:crypto";
import type { PrismaClient } from "../../generated/prisma/client";
import { ConflictError, ValidationError } from "../errors";

export function idempotencyKey(request: Request): string | undefined {
  const raw = request.headers.get("idempotency-key");
  if (raw === null) return undefined;
  const key = raw.trim();
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new ValidationError("Idempotency-Key must be 1-200 printable ASCII characters", [{ path: "Idempotency-Key", message: "invalid" }]);
  }
  return key;
}

export const requestHash = (bytes: Uint8Array, route: string) => createHash("sha256").update(route).update("\0").update(bytes).digest("hex");

export type Replayed = { status: number; response: unknown };

/** The stored answer of an earlier request with this key, or undefined; a 409 when the key came with another body. */
export async function replay(prisma: PrismaClient, scope: string, key: string, hash: string): Promise<Replayed | undefined> {
  const row = await prisma.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
  if (!row) return undefined;
  if (row.requestHash !== hash) {
    throw new ConflictError(`Idempotency-Key ${key} was already used with another request body`);
  }
  return { status: row.status, response: row.response };
}
