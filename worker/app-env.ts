import type { Permission } from "../contract";
import type { Config } from "./config";
import type { Env } from "./env";

/** Hono's typing for this app: `c.env` bindings and `c.var` values. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    tenant: string;
    actor: string | undefined;
    perm: Permission;
  };
}
