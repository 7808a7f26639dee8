/**
 * NinjaOne instances ("regions"). A tenant's client app only works on the
 * instance where it was created, and there is no discovery API, so the user
 * picks one from this allow-list. A free-form URL would let anyone make the
 * worker POST a tenant's client secret to a server of their choosing.
 */
import type { Region } from "../contract";
import { ConfigError } from "./errors";
export type { Region };

const BUILT_IN: Record<string, string> = {
  us: "https://app.ninjarmm.com",
  us2: "https://us2.ninjarmm.com",
  eu: "https://eu.ninjarmm.com",
  ca: "https://ca.ninjarmm.com",
  oc: "https://oc.ninjarmm.com",
};

const LABELS: Record<string, string> = {
  us: "US",
  us2: "US 2",
  eu: "EU",
  ca: "Canada",
  oc: "Oceania",
};

const REGION_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Loopback hosts may use plain http, so a local stand-in can act as a region. */
function isLoopback(host: string): boolean {
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]";
}

/**
 * Parses `NINJAONE_REGIONS` (a JSON object `{"id": "base URL"}`) or returns the
 * built-in table. Throws a ConfigError naming the first problem when it is malformed.
 */
export function parseRegions(raw: string | undefined): Region[] {
  const invalid = (problem: string) => new ConfigError([problem]);
  let table: Record<string, unknown> = BUILT_IN;
  if (raw !== undefined && raw.trim() !== "") {
    try {
      table = JSON.parse(raw);
    } catch {
      throw invalid("NINJAONE_REGIONS is not valid JSON");
    }
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      throw invalid('NINJAONE_REGIONS must be a JSON object {"<region id>": "<base URL>"}');
    }
  }
  const regions: Region[] = [];
  for (const [id, value] of Object.entries(table)) {
    if (!REGION_ID.test(id)) throw invalid(`NINJAONE_REGIONS: region id "${id}" must be 1-32 of a-z 0-9 -`);
    let url: URL;
    try {
      url = new URL(String(value));
    } catch {
      throw invalid(`NINJAONE_REGIONS: region "${id}" has no valid base URL`);
    }
    const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname));
    if (!secure || url.username || url.password || url.search || url.hash || (url.pathname !== "/" && url.pathname !== "")) {
      throw invalid(`NINJAONE_REGIONS: region "${id}" must be an https origin (http only on loopback), without path or query`);
    }
    regions.push({ id, label: `${LABELS[id] ?? id.toUpperCase()} (${url.host})`, baseUrl: url.origin });
  }
  if (regions.length === 0) throw invalid("NINJAONE_REGIONS names no region");
  return regions;
}
