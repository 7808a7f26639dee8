// Baseline for `npm run bench`: a bare Hono worker with one JSON route, built
// and run exactly like the real worker.
import { Hono } from "hono";

const app = new Hono();
app.get("/status", (c) => c.json({ ok: true }));

export default app;
