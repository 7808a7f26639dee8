import type { CheckError } from "../contract";
import { send, type HttpOptions } from "./oauth/client";

/**
 * The cheapest call that proves a tenant's access token works: one organization
 * (NINJAONE.md). It needs the `monitoring` scope, so a 403 means the client app
 * lacks it. Answers "ok" or why not; never throws.
 */
export type ProbeOutcome = "ok" | CheckError;

export async function probeApi(baseUrl: string, accessToken: string, options: HttpOptions = {}): Promise<ProbeOutcome> {
  let response: Response;
  try {
    response = await send(`${baseUrl}/v2/organizations?pageSize=1`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" } }, options);
  } catch {
    return "ninjaone_unreachable";
  }
  await response.body?.cancel();
  if (response.ok) return "ok";
  if (response.status === 401) return "unauthorized";
  if (response.status === 403) return "scope_missing";
  if (response.status === 429 || response.status >= 500) return "ninjaone_unreachable";
  return "ninjaone_error";
}
