// `npm start`'s options (scripts/lib/start-options.mjs): what README's "Run the worker for your
// own app" promises, and ports that the processes it launches can all listen on.
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM without types
import { MAX_PORT, MIN_PORT, parseStartOptions } from "../../scripts/lib/start-options.mjs";

type Options = { workerPort: number; standInPort: number; hostPort: number; inspectorPort: number; extraOrigins: string[]; verbose: boolean };
const parse = (argv: string[], env: Record<string, string> = {}) => parseStartOptions(argv, env) as Options;
/** Every port one run listens on: worker, stand-in, demo host, and the two inspectors (worker, stand-in). */
const listened = (o: Options) => [o.workerPort, o.standInPort, o.hostPort, o.inspectorPort, o.inspectorPort + 1];

describe("npm start's options", () => {
  it("defaults to the worker on 8787, the stand-in and the demo host next, wrangler's inspector ports", () => {
    expect(parse([])).toEqual({ workerPort: 8787, standInPort: 8788, hostPort: 8789, inspectorPort: 9229, extraOrigins: [], verbose: false });
  });

  it("reads NINJAONE_PORT and NINJAONE_ALLOWED_ORIGINS (comma-separated)", () => {
    const o = parse([], { NINJAONE_PORT: "9000", NINJAONE_ALLOWED_ORIGINS: "http://localhost:5173, https://app.example.com/" });
    expect(o).toMatchObject({ workerPort: 9000, standInPort: 9001, hostPort: 9002, extraOrigins: ["http://localhost:5173", "https://app.example.com"] });
  });

  it("lets the flags override the environment", () => {
    const o = parse(["--port", "3000", "--allowed-origin", "http://localhost:3001"], { NINJAONE_PORT: "9000", NINJAONE_ALLOWED_ORIGINS: "http://localhost:5173" });
    expect(o).toMatchObject({ workerPort: 3000, extraOrigins: ["http://localhost:3001"] });
    expect(parse(["--port=4000"], { NINJAONE_PORT: "9000" }).workerPort).toBe(4000);
  });

  it("takes --allowed-origin repeated and comma-separated", () => {
    const o = parse(["--allowed-origin", "http://localhost:5173", "--allowed-origin", "http://127.0.0.1:3000,https://app.example.com", "--verbose"]);
    expect(o.extraOrigins).toEqual(["http://localhost:5173", "http://127.0.0.1:3000", "https://app.example.com"]);
    expect(o.verbose).toBe(true);
  });

  it("rejects what is not an origin, naming it", () => {
    expect(() => parse(["--allowed-origin", "http://localhost:5173/app"])).toThrow('--allowed-origin "http://localhost:5173/app" is not an origin (scheme://host[:port], no path)');
    expect(() => parse(["--allowed-origin", "localhost:5173"])).toThrow(/not an origin/);
    expect(() => parse([], { NINJAONE_ALLOWED_ORIGINS: "http://ok.example,nope" })).toThrow(/NINJAONE_ALLOWED_ORIGINS.*"nope" is not an origin/);
  });

  it("rejects a port outside 1024-65000 or not a number, naming where it came from", () => {
    for (const port of ["80", "1023", "65001", "70000", "abc", "8787.5", "0x2000", ""]) {
      expect(() => parse(["--port", port]), port).toThrow(`--port must be a port number from 1024 to 65000 (got ${JSON.stringify(port)})`);
    }
    expect(() => parse([], { NINJAONE_PORT: "http" })).toThrow(/^NINJAONE_PORT must be a port number/);
    expect(() => parse(["--nope"])).toThrow(/Unknown option '--nope'/);
  });

  it("gives every accepted port distinct, valid ports for everything it starts", () => {
    expect([MIN_PORT, MAX_PORT]).toEqual([1024, 65_000]);
    for (let port = MIN_PORT; port <= MAX_PORT; port += 1) {
      const ports = listened(parse(["--port", String(port)]));
      expect(new Set(ports).size, `--port ${port}`).toBe(ports.length);
      for (const p of ports) {
        if (!(Number.isInteger(p) && p >= 1024 && p <= 65_535)) expect.fail(`--port ${port} gives port ${p}`);
      }
    }
    // the two ends, where the old inspector port (9229 + 2 × offset) was negative or above 65535
    expect(listened(parse(["--port", "1024"]))).toEqual([1024, 1025, 1026, 1466, 1467]);
    expect(listened(parse(["--port", "65000"]))).toEqual([65000, 65001, 65002, 65442, 65443]);
  });
});

describe("what npm start shows of wrangler's output", () => {
  // @ts-expect-error plain ESM without types
  const show = async (line: string, verbose = false) => ((await import("../../scripts/lib/start-options.mjs")).lineToShow(line, verbose) as string | undefined);

  it("shows errors, and the refused-origin warning that explains a page's failed requests", async () => {
    expect(await show("✘ [ERROR] Uncaught TypeError: x is undefined")).toBe("✘ [ERROR] Uncaught TypeError: x is undefined");
    const warning = 'origin "http://localhost:5174" is not in ALLOWED_ORIGINS: its requests are refused by CORS';
    expect(await show(`\x1b[33m▲ [WARNING]\x1b[0m ${warning}`)).toBe(`▲ [WARNING] ${warning}`);
  });

  it("hides request lines, workerd's broken pipes and blank lines; --verbose shows them", async () => {
    const request = "[wrangler:info] POST /ws/oauth/token 500 Internal Server Error (3ms)";
    const pipe = "✘ [ERROR] kj::getCaughtExceptionAsKj() ... ::write(fd, buffer, size): Broken pipe";
    expect(await show(request)).toBeUndefined();
    expect(await show(pipe)).toBeUndefined();
    expect(await show("   ")).toBeUndefined();
    expect(await show(request, true)).toBe(request);
  });
});
