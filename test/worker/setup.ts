// Every worker test runs behind a closed network: an outbound request that no test routed (to
// a NinjaOne stand-in, or the events receiver) fails the way a refused connection does, so no
// test ever reaches a real host — for example a credentials pre-check against eu.ninjarmm.com.
import { beforeEach, vi } from "vitest";

function closeTheNetwork() {
  if (vi.isMockFunction(globalThis.fetch)) return;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    throw new TypeError(`network connection refused (${new URL(new Request(input, init).url).host})`);
  });
}

// Now, for a file's beforeAll, and again before each test (a test's restoreAllMocks reopens it).
closeTheNetwork();
beforeEach(closeTheNetwork);
