// better-auth's endpoints (sign-in, sign-out, session, change password) behind our allow-list, limits and audit.
import { handleAuthRequest } from "@/lib/server/auth/handler";

export const dynamic = "force-dynamic";

export const GET = (request: Request) => handleAuthRequest(request);
export const POST = (request: Request) => handleAuthRequest(request);
