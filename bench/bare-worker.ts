// Baselines for `npm run bench`: a bare Hono worker, built and run exactly like
// the real worker. `/status` answers JSON; `/kv` also reads one KV key, to show
// what the local KV service alone costs under wrangler dev.
import { Hono } from "hono";

const app = new Hono<{ Bindings: { KV: KVNamespace } }>();
app.get("/status", (c) => c.json({ ok: true }));
app.get("/kv", async (c) => c.json({ value: await c.env.KV.get("bench", "json") }));

export default app;
