//! Deno.permissions() and Deno.revokePermission(): what the run may touch outside,
//! as the Rust side holds it (the checks themselves are all in Rust).
import * as op from "../gen/ops.ts";

type PermissionName = Deno.PermissionName;
/** Per permission: true (everything), false (nothing), or the granted scopes. */
type Permissions = Record<PermissionName, boolean | string[]>;

export function permissions(): Permissions {
  const res = op.permissionsSync();
  const out: Partial<Permissions> = {};
  for (let i = 0; i < res.grantsLength(); i++) {
    const g = res.grants(i)!;
    const scopes: string[] = [];
    for (let j = 0; j < g.scopesLength(); j++) scopes.push(g.scopes(j));
    out[g.name() as PermissionName] = g.all() || (scopes.length > 0 && scopes);
  }
  return out as Permissions;
}

/** Drops the grant `name` for the rest of the run; it cannot be regained. */
export function revokePermission(name: PermissionName): void {
  op.revokePermissionSync(String(name));
}
