// The activity log of each client app and the webhook deliveries made from it.
// NinjaOne POSTs each activity as JSON to the registered URL with the registered
// custom headers, and signs nothing: the custom header is the receiver's only proof.
import type { StandInState } from "./state";
import type { Activity, ActivityFields, DeliveryResult, EmitResult, WebhookConfig } from "./types";
import { BadInput, isPlainObject } from "./util";

const DELIVERY_TIMEOUT_MS = 10_000;

// Devices the fake activities happen on; `expand: ["device", "organization"]` looks them up.
const FAKE_DEVICES = [
  { id: 101, organizationId: 1, locationId: 1, nodeClass: "WINDOWS_WORKSTATION", approvalStatus: "APPROVED", offline: false, displayName: "FRONT-DESK-01", systemName: "FRONT-DESK-01" },
  { id: 102, organizationId: 2, locationId: 2, nodeClass: "WINDOWS_SERVER", approvalStatus: "APPROVED", offline: false, displayName: "GLOBEX-DC1", systemName: "GLOBEX-DC1" },
  { id: 103, organizationId: 3, locationId: 3, nodeClass: "MAC", approvalStatus: "APPROVED", offline: true, displayName: "Initech MacBook", systemName: "INITECH-MBP" },
] as const;

const STRING_FIELDS = ["severity", "priority", "seriesUid", "activityType", "statusCode", "status", "activityResult", "sourceConfigUid", "sourceName", "subject", "message", "type"] as const;
const NULLABLE_INT_FIELDS = ["deviceId", "userId"] as const;
export const ACTIVITY_FIELDS: readonly string[] = ["activityTime", "data", ...STRING_FIELDS, ...NULLABLE_INT_FIELDS];

export function activityLog(state: StandInState, deliver: (request: Request) => Promise<Response>) {
  async function emitActivity(clientId: string, options: { deliver?: boolean; activity?: ActivityFields } = {}): Promise<EmitResult> {
    state.requireClient(clientId);
    if (options.deliver !== undefined && typeof options.deliver !== "boolean") throw new BadInput("deliver must be a boolean");
    const fields = checkActivityFields(options.activity ?? {});
    const activity: Activity = { id: state.nextActivityId(), ...defaultActivity(state), ...fields };
    state.activityLog(clientId).push(activity);
    const delivery: DeliveryResult = options.deliver === false ? { delivered: false, reason: "not_requested" } : await send(clientId, activity);
    return { activity: structuredClone(activity), delivery };
  }

  async function redeliverActivity(clientId: string, activityId: number): Promise<EmitResult> {
    state.requireClient(clientId);
    const activity = state.activityLog(clientId).find((a) => a.id === activityId);
    if (!activity) throw new BadInput(`client ${clientId} has no activity ${String(activityId)}`);
    return { activity: structuredClone(activity), delivery: await send(clientId, activity) };
  }

  async function send(clientId: string, activity: Activity): Promise<DeliveryResult> {
    const webhook = state.webhooks.get(clientId);
    if (!webhook) return { delivered: false, reason: "no_webhook" };
    // organizationIds narrows deliveries to those organizations; an activity with no
    // organization (no known device) is then not delivered either.
    if (webhook.organizationIds && !webhook.organizationIds.includes(organizationOf(activity) ?? Number.NaN)) {
      return { delivered: false, reason: "organization_filter" };
    }
    const payload = expand(activity, webhook);
    const headers = new Headers({ "Content-Type": "application/json" });
    for (const { name, value } of webhook.headers ?? []) headers.set(name, value);
    state.counters.deliveries++;
    try {
      const response = await deliver(
        new Request(webhook.url, { method: "POST", headers, body: JSON.stringify(payload), signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) }),
      );
      await response.body?.cancel(); // only the status matters
      return { delivered: true, status: response.status };
    } catch (error) {
      return { delivered: false, reason: "error", error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  }

  return { emitActivity, redeliverActivity, activitiesOf: (clientId: string) => structuredClone(state.activityLog(state.requireClient(clientId).clientId)) };
}

/** What a condition alert on the first fake device looks like; every field can be overridden. */
function defaultActivity(state: StandInState): Omit<Activity, "id"> {
  return {
    activityTime: state.now() / 1000,
    deviceId: 101,
    severity: "MAJOR",
    priority: "HIGH",
    seriesUid: crypto.randomUUID(),
    activityType: "CONDITION",
    statusCode: "TRIGGERED",
    status: "Triggered",
    activityResult: "SUCCESS",
    sourceConfigUid: crypto.randomUUID(),
    sourceName: "Disk space (stand-in)",
    subject: "Disk space low",
    userId: null,
    message: "Free space on C: is below 10% (fake activity from the NinjaOne stand-in).",
    type: "Condition",
    data: { message: { code: "stand_in_condition", params: { drive: "C:" } } },
  };
}

/** Refuses unknown members (a typo would otherwise pass silently), an `id`, and wrong types. */
export function checkActivityFields(fields: unknown): ActivityFields {
  if (!isPlainObject(fields)) throw new BadInput("activity must be an object");
  const checked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue; // left to the default, not overwritten with undefined
    if (key === "id") throw new BadInput("activity ids are assigned by the stand-in");
    if (!ACTIVITY_FIELDS.includes(key)) throw new BadInput(`unknown activity field: ${key}`);
    const ok =
      key === "activityTime" ? typeof value === "number" && Number.isFinite(value)
      : key === "data" ? isPlainObject(value)
      : (NULLABLE_INT_FIELDS as readonly string[]).includes(key) ? value === null || Number.isSafeInteger(value)
      : typeof value === "string";
    if (!ok) throw new BadInput(`activity field ${key} has the wrong type`);
    checked[key] = structuredClone(value);
  }
  return checked as ActivityFields;
}

function organizationOf(activity: Activity): number | undefined {
  return FAKE_DEVICES.find((d) => d.id === activity.deviceId)?.organizationId;
}

/** `expand: ["device"]` adds the device, `["organization"]` its organizationId (when the device is known). */
function expand(activity: Activity, webhook: WebhookConfig): Record<string, unknown> {
  const payload: Record<string, unknown> = { ...activity };
  const device = FAKE_DEVICES.find((d) => d.id === activity.deviceId);
  if (device && webhook.expand?.includes("device")) payload.device = { ...device };
  if (device && webhook.expand?.includes("organization")) payload.organizationId = device.organizationId;
  return payload;
}
