// A JSON body that may be absent: POST …/analysis takes nothing or `{}`.
import { InvalidJsonError } from "../errors";
import { readJson } from "../http";

export async function readOptionalJson(request: Request): Promise<unknown> {
  if (!request.body || request.headers.get("content-length") === "0") return undefined;
  try {
    return await readJson(request);
  } catch (err) {
    if (err instanceof InvalidJsonError && /empty/.test(err.message)) return undefined;
    throw err;
  }
}
