import { describe, expect, it, vi } from "vitest";
import { kvSnapshot, status } from "./helpers";
import { CLIENT, saveStandInCredentials, useStandInsPerTest, refuseNextRequestsTo } from "./oauth-helpers";

useStandInsPerTest();

/** Every request the worker sent out while `work` ran, with its body. */
async function outbound(work: () => Promise<unknown>) {
  const seen: Array<{ url: string; method: string; body: string }> = [];
  const real = vi.mocked(fetch).getMockImplementation()!;
  vi.mocked(fetch).mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, method: request.method, body: await request.clone().text() });
    return real(request);
  });
  await work();
  return seen;
}

describe("PUT /credentials checks the credentials with NinjaOne first", () => {
  it("refuses a Client ID the region does not know, and saves nothing", async () => {
    const before = await kvSnapshot();
    const response = await saveStandInCredentials("typo-id", { clientId: "acme-ap" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: "invalid_request",
      fields: { clientId: "NinjaOne LOCAL (stand-in.test) has no client app with this Client ID. Check the region and the Client ID." },
    });
    expect(await kvSnapshot()).toEqual(before);
  });

  it("refuses a Client Secret NinjaOne rejects for this Client ID, and saves nothing", async () => {
    const before = await kvSnapshot();
    const response = await saveStandInCredentials("typo-secret", { clientSecret: "acme-app-secret-value-0043" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ fields: { clientSecret: "NinjaOne rejected this Client Secret for this Client ID." } });
    expect(await kvSnapshot()).toEqual(before);
  });

  it("saves credentials NinjaOne accepts", async () => {
    const response = await saveStandInCredentials("right");
    expect(response.status).toBe(200);
    expect((await status("right")).body.credentials.clientId).toBe(CLIENT.clientId);
  });

  it("sends the secret only to the region's token endpoint, never to authorize", async () => {
    const requests = await outbound(() => saveStandInCredentials("where-secret"));
    expect(requests.map((r) => `${r.method} ${new URL(r.url).origin}${new URL(r.url).pathname}`).sort()).toEqual([
      "GET https://stand-in.test/ws/oauth/authorize",
      "POST https://stand-in.test/ws/oauth/token",
    ]);
    for (const request of requests) {
      const carriesSecret = request.url.includes(CLIENT.clientSecret) || request.body.includes(CLIENT.clientSecret);
      expect(carriesSecret, request.url).toBe(request.url === "https://stand-in.test/ws/oauth/token");
    }
  });

  it("saves and claims nothing when NinjaOne is down or answers something else", async () => {
    refuseNextRequestsTo("stand-in.test", 2);
    expect((await saveStandInCredentials("down")).status).toBe(200);

    vi.mocked(fetch).mockImplementation(async () => new Response("<html>Sign in</html>", { status: 200, headers: { "Content-Type": "text/html" } }));
    expect((await saveStandInCredentials("login-page", { clientId: "anything" })).status).toBe(200);

    vi.mocked(fetch).mockImplementation(async () => new Response("busy", { status: 503 }));
    expect((await saveStandInCredentials("busy", { clientId: "anything" })).status).toBe(200);
  });

  it("gives up after 5 seconds on a NinjaOne that does not answer, and saves", async () => {
    vi.mocked(fetch).mockImplementation(
      (input, init) => new Promise((_resolve, reject) => new Request(input, init).signal.addEventListener("abort", () => reject(new DOMException("timeout", "TimeoutError")))),
    );
    const started = Date.now();
    expect((await saveStandInCredentials("slow", { clientId: "anything" })).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(8000);
  }, 15_000);

  it("does not call NinjaOne when the secret is left out (the saved app, already checked)", async () => {
    expect((await saveStandInCredentials("keep")).status).toBe(200);
    const requests = await outbound(() => saveStandInCredentials("keep", { clientSecret: undefined } as never));
    expect(requests).toEqual([]);
  });
});
