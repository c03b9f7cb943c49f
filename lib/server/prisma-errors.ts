import { Prisma } from "../generated/prisma/client";

/** Recognise Prisma failures by their documented code, never by message text. */
export function isPrismaError(err: unknown, code: "P2002" | "P2003" | "P2025"): boolean {
  return err instanceof Prisma.PrismaClientKnownRequestError && err.code === code;
}
