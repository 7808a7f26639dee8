import type { Context } from "hono";
import { ApiError, isApiErrorCode } from "../errors";
import type { Result } from "../tenant-vault";

/** Parses a JSON body, answering 415/400 with a code instead of a 500. */
export async function jsonBody(c: Context): Promise<unknown> {
  const type = c.req.header("Content-Type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError("invalid_request", { status: 415, message: "Send the body as application/json." });
  }
  try {
    return await c.req.json();
  } catch {
    throw new ApiError("invalid_request", { message: "The body is not valid JSON." });
  }
}

/** Unwraps a vault result, turning its error into the matching API error. */
export function throwIfFailed<T>(result: Result<T, string>): T {
  if (result.ok) return result.value;
  throw new ApiError(isApiErrorCode(result.error) ? result.error : "internal", {
    ...(result.fields ? { fields: result.fields } : {}),
    ...(result.retryAfterSeconds !== undefined ? { headers: { "Retry-After": String(result.retryAfterSeconds) } } : {}),
  });
}
