import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { ApiError } from "../errors";
import { toStatus } from "../status";
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

/** `PUT /credentials`: validates, then hands the change to the tenant's vault. */
export const credentialsRoute = new Hono<AppEnv>().put("/credentials", tenantAuth("ninjaone-settings"), async (c) => {
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

  const result = await vaultFor(c.env, c.var.tenant).saveCredentials(c.var.tenant, parsed.data!, c.var.actor);
  return c.json(toStatus(throwIfFailed(result), c.var.config, c.req.url));
});
