import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import type { AppEnv } from "../app-env";
import type { CredentialsInput } from "../../contract";
import { requireManage, tenantAuth } from "../auth";
import type { Config } from "../config";
import { clientIdIsUnknown, clientSecretIsRejected } from "../oauth/client";
import { ApiError } from "../errors";
import { redirectUriFor, toStatus } from "../status";
import { vaultFor } from "../vault";
import { jsonBody, throwIfFailed } from "./util";

// Control characters (C0, DEL, C1) have no business in an id or a secret and
// usually mean a paste went wrong.
const noControlChars = (value: string) => !/[\u0000-\u001f\u007f-\u009f]/.test(value);
const trimmed = (max: number, what: string) =>
  z.pipe(
    z.string({ error: `${what} must be text.` }),
    z.transform((value) => value.trim()),
  ).check(
    z.minLength(1, `Enter the ${what}.`),
    z.maxLength(max, `The ${what} is too long.`),
    z.refine(noControlChars, `The ${what} contains control characters.`),
  );

const credentialsSchema = z.strictObject({
  region: z.string({ error: "Choose a region." }),
  clientId: trimmed(256, "client ID"),
  clientSecret: z.optional(trimmed(512, "client secret")),
});

/**
 * Best-effort checks of new credentials against the region, before anything is saved. Each
 * answers only what NinjaOne proves (an unknown Client ID, a rejected secret); anything else
 * (a login page, a redirect, a timeout, a 5xx) proves nothing and saving goes ahead. The secret
 * only ever goes to the region's token endpoint.
 */
async function preCheck(config: Config, requestUrl: string, input: CredentialsInput): Promise<Record<string, string>> {
  const region = config.regions.find((r) => r.id === input.region)!;
  const redirectUri = redirectUriFor(config, requestUrl);
  const [unknownId, rejectedSecret] = await Promise.all([
    clientIdIsUnknown(region.baseUrl, { clientId: input.clientId, redirectUri, scope: config.scopes }),
    input.clientSecret === undefined
      ? false
      : clientSecretIsRejected(region.baseUrl, { clientId: input.clientId, clientSecret: input.clientSecret }, redirectUri),
  ]);
  // NinjaOne cannot authenticate a secret for a client id it does not know: the id is the problem.
  if (unknownId) return { clientId: `NinjaOne ${region.label} has no client app with this Client ID. Check the region and the Client ID.` };
  if (rejectedSecret) return { clientSecret: "NinjaOne rejected this Client Secret for this Client ID." };
  return {};
}

/** `PUT /credentials`: validates, checks with NinjaOne, then hands the change to the tenant's vault. */
export const credentialsRoute = new Hono<AppEnv>().put("/credentials", tenantAuth("ninjaone-settings"), requireManage, async (c) => {
  const body = await jsonBody(c);
  const parsed = credentialsSchema.safeParse(body);
  const fields: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Field names come from our schema, never from the request.
      const field = issue.code !== "unrecognized_keys" && typeof issue.path[0] === "string" ? issue.path[0] : "body";
      fields[field] ??= field === "body" ? "Send an object with region, clientId and clientSecret only." : issue.message;
    }
  } else if (!c.var.config.regions.some((region) => region.id === parsed.data.region)) {
    fields.region = "Choose one of the listed regions.";
  }
  if (!parsed.success || Object.keys(fields).length > 0) throw new ApiError("invalid_request", { fields });

  // Without a new secret the app is the saved one (the vault insists): nothing new to check.
  const problems = parsed.data.clientSecret === undefined ? {} : await preCheck(c.var.config, c.req.url, parsed.data);
  if (Object.keys(problems).length > 0) {
    throw new ApiError("invalid_request", { message: "NinjaOne did not accept these credentials.", fields: problems });
  }

  const result = await vaultFor(c.env, c.var.tenant).saveCredentials(c.var.tenant, parsed.data!, c.var.actor);
  return c.json(toStatus(throwIfFailed(result), c.var.config, c.req.url));
});
