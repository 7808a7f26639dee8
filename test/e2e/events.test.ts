// Connection events end to end: the worker's queue (miniflare under wrangler dev) delivers
// signed events to the demo backend, which verifies them with the server SDK and dedups by id.
// And NinjaOne's own activities: stand-in webhook → worker → queue → demo backend.
import { readFileSync } from "node:fs";
import { sign } from "hono/jwt";
import { afterEach, describe, expect, inject, it } from "vitest";
import { consent } from "../ninjaone-stand-in/stand-in";
import { API, DEMO, urls } from "./helpers";

type Event = { id: string; type: string; tenant: string; data: Record<string, unknown>; deliveries: number };

const jwt = async (tenant: string, aud: string) => {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ tenant, aud, iat, exp: iat + 600 }, inject("tenantTokenSecret"), "HS256");
};
const worker = (path: string) => `${urls().workerUrl}${API}${path}`;

async function saveCredentials(tenant: string): Promise<void> {
  const response = await fetch(worker("/credentials"), {
    method: "PUT",
    headers: { Authorization: `Bearer ${await jwt(tenant, "ninjaone-settings")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ region: "local", ...DEMO }),
  });
  expect(response.status).toBe(200);
}

/** The ids of a tenant's audit trail (GET /events): what the host must end up with. */
async function trail(tenant: string): Promise<string[]> {
  const response = await fetch(worker("/events?limit=200"), { headers: { Authorization: `Bearer ${await jwt(tenant, "ninjaone-api")}` } });
  return ((await response.json()) as { events: Event[] }).events.map((event) => event.id);
}

const received = async (): Promise<Event[]> => (await fetch(`${urls().hostUrl}/backend/events?all=1`)).json() as Promise<Event[]>;
const setReceiver = (mode: { failRate?: number; dead?: boolean; refused?: number }) =>
  fetch(`${urls().hostUrl}/backend/events/receiver`, { method: "POST", body: JSON.stringify(mode) });

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

afterEach(async () => {
  await setReceiver({ failRate: 0, dead: false });
});

describe("connection events through Cloudflare Queues", () => {
  it("a receiver that fails 30% of the time still ends up with every event exactly once (200 events)", async () => {
    await setReceiver({ failRate: 0.3, refused: 0 });
    const tenants = Array.from({ length: 10 }, (_, i) => `events-${i}`);
    await Promise.all(tenants.map(async (tenant) => {
      for (let i = 0; i < 20; i++) await saveCredentials(tenant);
    }));
    const expected = (await Promise.all(tenants.map(trail))).flat();
    expect(expected).toHaveLength(200);

    const got = await until("every event at the receiver", async () => {
      const events = (await received()).filter((event) => tenants.includes(event.tenant));
      return events.length >= expected.length ? events : undefined;
    });
    expect(new Set(got.map((event) => event.id))).toEqual(new Set(expected));
    expect(got.every((event) => event.type === "credentials.saved")).toBe(true);
    // Failures really happened (about 30% of the attempts), and every one was retried until it got through.
    const { refused } = (await (await setReceiver({})).json()) as { refused: number };
    expect(refused).toBeGreaterThan(20);
  }, 120_000);

  it("a dead receiver's event goes to the dead-letter queue after the last retry", async () => {
    await setReceiver({ dead: true });
    await saveCredentials("events-dead");
    const [id] = await trail("events-dead");
    await until("the dead-letter queue's log line", async () =>
      readFileSync(inject("stackLog"), "utf8").split("\n").find((line) => line.includes(id!) && line.includes("dead-letter queue")),
    );
    expect((await received()).some((event) => event.id === id)).toBe(false);
  }, 120_000);
});

describe("NinjaOne's webhook, relayed", () => {
  it("an activity goes stand-in → worker → queue → host backend as a verified ninjaone.activity event", async () => {
    const tenant = "events-webhook";
    await saveCredentials(tenant);
    // Connect over HTTP, as the browser would (operations.test.ts does the same).
    const started = await fetch(worker("/connect"), {
      method: "POST",
      redirect: "manual",
      headers: { Origin: urls().hostUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: await jwt(tenant, "ninjaone-settings"), return_to: `${urls().hostUrl}/`, mode: "redirect" }),
    });
    const cookie = started.headers.get("Set-Cookie")!.split(";")[0]!;
    const decided = await consent({ fetch: (request: Request) => fetch(new Request(request, { redirect: "manual" })) }, started.headers.get("Location")!, "approve");
    const landed = await fetch(decided.headers.get("Location")!, { redirect: "manual", headers: { Cookie: cookie } });
    expect(new URL(landed.headers.get("Location")!).searchParams.get("ninjaone")).toBe("connected");

    const status = async () =>
      (await (await fetch(worker("/status"), { headers: { Authorization: `Bearer ${await jwt(tenant, "ninjaone-settings")}` } })).json()) as any;
    await until("the webhook registration", async () => ((await status()).connection.webhooks?.status === "registered" ? true : undefined), 30_000);

    const emitted = await fetch(`${urls().standInUrl}/__stand-in/emit-activity`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clientId: DEMO.clientId, message: "CPU above 90% for 5 minutes" }),
    });
    const { activity, delivery } = (await emitted.json()) as { activity: { id: number }; delivery: { delivered: boolean; status: number } };
    expect(delivery).toEqual({ delivered: true, status: 204 });
    const relayed = await until("the relayed activity", async () =>
      (await received()).find((event) => event.type === "ninjaone.activity" && event.tenant === tenant && event.data.id === activity.id),
    30_000);
    expect(relayed.data.message).toBe("CPU above 90% for 5 minutes");

    // Disconnecting deletes the webhook: the stand-in has no one to deliver to any more.
    await fetch(worker("/disconnect"), { method: "POST", headers: { Authorization: `Bearer ${await jwt(tenant, "ninjaone-settings")}` } });
    const after = await fetch(`${urls().standInUrl}/__stand-in/emit-activity`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clientId: DEMO.clientId }),
    });
    expect(((await after.json()) as { delivery: { reason?: string } }).delivery.reason).toBe("no_webhook");
  }, 90_000);
});
