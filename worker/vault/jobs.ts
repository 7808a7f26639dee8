/**
 * The jobs of the tenant's alarm whose times can't be derived from other state, in the tenant's
 * own Durable Object storage under `jobs`: `{job: ms}`, plus how often each retried job has failed
 * in a row (for its growing delay). The vault sets the alarm to the earliest of them.
 */
export const JOBS = "jobs";

export type Job = "keepAliveRetry" | "outbox" | "webhook" | "activities";
export type FailureCount = "keepAliveFailures" | "outboxFailures" | "webhookFailures";
export type Jobs = Partial<Record<Job, number>> & Partial<Record<FailureCount, number>>;

/** Retries after transient failures: 1 minute, doubling, at most 2 hours. */
const RETRY_FIRST_MS = 60 * 1000;
const RETRY_MAX_MS = 2 * 60 * 60 * 1000;

export const retryDelay = (failures: number | undefined) => Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures ?? 0));

export async function readJobs(storage: DurableObjectStorage): Promise<Jobs> {
  return (await storage.get<Jobs>(JOBS)) ?? {};
}

/** Schedules `job` after a delay computed from the failure count, and counts one more failure. */
export async function scheduleJob(storage: DurableObjectStorage, job: Job, delay: (jobs: Jobs) => number, failures?: FailureCount): Promise<void> {
  const jobs = await readJobs(storage);
  const next: Jobs = { ...jobs, [job]: Date.now() + delay(jobs), ...(failures ? { [failures]: (jobs[failures] ?? 0) + 1 } : {}) };
  await storage.put(JOBS, next);
  const current = await storage.getAlarm();
  if (current === null || current > next[job]!) await storage.setAlarm(next[job]!);
}

export async function clearJob(storage: DurableObjectStorage, job: Job, failures?: FailureCount): Promise<void> {
  const jobs = await readJobs(storage);
  if (jobs[job] === undefined && (!failures || jobs[failures] === undefined)) return;
  const rest: Jobs = { ...jobs };
  delete rest[job];
  if (failures) delete rest[failures];
  await storage.put(JOBS, rest);
}
