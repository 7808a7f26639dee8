// The calls to NinjaOne, each given its own `fetch` and `timeoutMs` (HttpOptions): nothing global is
// stubbed, and the global fetch stays the closed network of setup.ts — a call that ignored the
// `fetch` it was given would meet a refused connection instead of the answer below.
import { describe, expect, it } from "vitest";
import { probeApi } from "../../worker/ninjaone-api";
import { deleteWebhook, fetchActivities, putWebhook } from "../../worker/ninjaone-webhooks";
import { clientIdIsUnknown, clientSecretIsRejected, exchangeCode, refreshTokens, revokeRefreshToken, TokenEndpointError, type HttpOptions } from "../../worker/oauth/client";

const BASE = "https://ninjaone.test";
const CLIENT = { clientId: "acme-app", clientSecret: "acme-app-secret" };
const REDIRECT_URI = "https://worker.example/callback";
const TOKENS = { access_token: "new-access", token_type: "Bearer", expires_in: 3600, refresh_token: "new-refresh", scope: "monitoring offline_access" };

/** Each call, what NinjaOne answers it, and what the call makes of that answer. */
const CALLS: Array<{ name: string; answer: () => Response; run: (options: HttpOptions) => Promise<unknown>; answered: unknown; unanswered: unknown }> = [
  {
    name: "exchangeCode",
    answer: () => Response.json(TOKENS),
    run: (options) => exchangeCode(BASE, CLIENT, { code: "code", redirectUri: REDIRECT_URI, codeVerifier: "verifier" }, options),
    answered: expect.objectContaining({ accessToken: "new-access", refreshToken: "new-refresh" }),
    unanswered: new TokenEndpointError("unreachable"),
  },
  {
    name: "refreshTokens",
    answer: () => Response.json(TOKENS),
    run: (options) => refreshTokens(BASE, CLIENT, { accessToken: "old-access", refreshToken: "old-refresh", expiresAt: 0, scopes: [] }, options),
    answered: expect.objectContaining({ accessToken: "new-access", refreshToken: "new-refresh" }),
    unanswered: new TokenEndpointError("unreachable"),
  },
  {
    name: "clientIdIsUnknown",
    answer: () => new Response("no such client", { status: 404 }),
    run: (options) => clientIdIsUnknown(BASE, { clientId: CLIENT.clientId, redirectUri: REDIRECT_URI, scope: "monitoring offline_access" }, options),
    answered: true,
    unanswered: false,
  },
  {
    name: "clientSecretIsRejected",
    answer: () => Response.json({ error: "invalid_client" }, { status: 401 }),
    run: (options) => clientSecretIsRejected(BASE, CLIENT, REDIRECT_URI, options),
    answered: true,
    unanswered: false,
  },
  {
    name: "revokeRefreshToken",
    answer: () => new Response(null, { status: 200 }),
    run: (options) => revokeRefreshToken(BASE, CLIENT, "old-refresh", options),
    answered: undefined,
    unanswered: undefined,
  },
  {
    name: "probeApi",
    answer: () => Response.json([{ id: 1 }]),
    run: (options) => probeApi(BASE, "access", options),
    answered: "ok",
    unanswered: "ninjaone_unreachable",
  },
  {
    name: "putWebhook",
    answer: () => new Response(null, { status: 204 }),
    run: (options) => putWebhook(BASE, "access", { url: "https://worker.example/hook", secret: "s", activities: undefined }, options),
    answered: { kind: "ok" },
    unanswered: { kind: "failed" },
  },
  {
    name: "deleteWebhook",
    answer: () => new Response(null, { status: 204 }),
    run: (options) => deleteWebhook(BASE, "access", options),
    answered: { kind: "ok" },
    unanswered: { kind: "failed" },
  },
  {
    name: "fetchActivities",
    answer: () => Response.json({ lastActivityId: 7, activities: [{ id: 7 }] }),
    run: (options) => fetchActivities(BASE, "access", 6, 10, options),
    answered: { kind: "ok", activities: [{ id: 7 }], lastActivityId: 7 },
    unanswered: { kind: "failed" },
  },
];

const outcome = (promise: Promise<unknown>) => promise.then((value) => value, (error: unknown) => error);

describe("every call to NinjaOne takes its own fetch and timeout", () => {
  for (const call of CALLS) {
    it(`${call.name} asks the fetch it is given, with redirects off and a deadline`, async () => {
      const seen: RequestInit[] = [];
      const fetch: typeof globalThis.fetch = async (input, init) => {
        expect(new URL(new Request(input, init).url).origin).toBe(BASE);
        seen.push(init ?? {});
        return call.answer();
      };
      expect(await outcome(call.run({ fetch }))).toEqual(call.answered);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ redirect: "manual", signal: expect.any(AbortSignal) });
    });

    it(`${call.name} gives up after the timeoutMs it is given`, async () => {
      // Never answers; stops waiting when the call's deadline aborts it, as a connection would.
      const fetch: typeof globalThis.fetch = (_input, init) =>
        new Promise((_resolve, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
      const started = Date.now();
      expect(await outcome(call.run({ fetch, timeoutMs: 50 }))).toEqual(call.unanswered);
      // The defaults are 3 s and more.
      expect(Date.now() - started).toBeLessThan(2000);
    });
  }
});
