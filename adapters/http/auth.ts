import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MoldtwinError } from "../../engine/errors.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";

/**
 * Tenants, roles and API tokens.
 *
 * - A **tenant** is a company. The machine maker's tenant (`kind: "maker"`) serves every customer, so its staff see
 *   every customer's cells; a customer tenant owns the cells of its plants (a plant file's `tenant`).
 * - A **role** says what a token may do (ROLE_PERMISSIONS); where it may look is the tenant's business (scope.ts).
 * - **Tokens** are 256-bit random strings. Only their SHA-256 is stored (like GitHub's and Stripe's API keys: a
 *   token with 256 bits of entropy needs no slow password hash, and a stolen `auth.json` reveals no token). The file
 *   is written with mode 0600 and replaced atomically.
 * - Demo tokens: on first start the service seeds one token per role and prints them. So that a restarted demo can
 *   print them again they are also kept in `demo-tokens.json` (0600) beside it — a demo convenience; delete both files
 *   to rotate, and never seed demo tokens on a real deployment (`--no-demo-tokens`).
 */

export const ROLES = ["admin", "process-engineer", "reliability", "sales", "customer"] as const;
export type Role = (typeof ROLES)[number];

export const RUN_KINDS_BY_ROLE: Record<Role, readonly string[]> = {
  admin: ["window", "forecast", "spares", "contract"],
  "process-engineer": ["window"],
  reliability: ["forecast", "spares"],
  sales: ["contract", "forecast", "spares"],
  customer: [],
};

/** Who may see costs, prices, margins (contract and spares economics): never a customer. */
export const SEES_COSTS: Record<Role, boolean> = {
  admin: true,
  "process-engineer": false,
  reliability: true,
  sales: true,
  customer: false,
};

export interface Tenant {
  id: string;
  name: string;
  kind: "maker" | "customer";
}

interface TokenRecord {
  id: string;
  user: string;
  role: Role;
  tenant: string;
  sha256: string;
  createdAtMs: number;
}

interface AuthFile {
  version: 1;
  tenants: Tenant[];
  tokens: TokenRecord[];
}

export interface Principal {
  tokenId: string;
  user: string;
  role: Role;
  tenant: Tenant;
}

export const MAKER_TENANT: Tenant = { id: "moldtwin-maker", name: "Machine maker (service provider)", kind: "maker" };

const sha256 = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");
const newToken = (): string => `mt_${randomBytes(32).toString("base64url")}`;

export class Auth {
  private readonly byHash = new Map<string, TokenRecord>();
  private readonly tenantsById = new Map<string, Tenant>();

  private constructor(file: AuthFile) {
    for (const t of file.tenants) this.tenantsById.set(t.id, t);
    for (const r of file.tokens) this.byHash.set(r.sha256, r);
  }

  /**
   * Opens `<stateDir>/auth.json`, or seeds it on first start: the maker, one tenant per plant, and a demo token
   * per role. Returns the demo tokens (name → token) when there are any to print.
   */
  static openOrSeed(
    stateDir: string,
    plants: readonly Plant[],
    options: { demoTokens?: boolean } = {},
  ): { auth: Auth; demoTokens: Record<string, string> } {
    mkdirSync(stateDir, { recursive: true });
    const authPath = join(stateDir, "auth.json");
    const demoPath = join(stateDir, "demo-tokens.json");
    if (existsSync(authPath)) {
      const auth = new Auth(JSON.parse(readFileSync(authPath, "utf8")) as AuthFile);
      // Tenants of plants added since the seed.
      for (const t of customerTenants(plants)) auth.tenantsById.set(t.id, auth.tenantsById.get(t.id) ?? t);
      const demo = existsSync(demoPath) ? (JSON.parse(readFileSync(demoPath, "utf8")) as Record<string, string>) : {};
      return { auth, demoTokens: demo };
    }
    const file: AuthFile = { version: 1, tenants: [MAKER_TENANT, ...customerTenants(plants)], tokens: [] };
    const demo: Record<string, string> = {};
    if (options.demoTokens !== false) {
      const seed = (name: string, role: Role, tenant: string): void => {
        const token = newToken();
        demo[name] = token;
        file.tokens.push({
          id: `tok-${randomBytes(6).toString("hex")}`,
          user: name,
          role,
          tenant,
          sha256: sha256(token),
          createdAtMs: Date.now(),
        });
      };
      for (const role of ROLES) if (role !== "customer") seed(role, role, MAKER_TENANT.id);
      for (const t of customerTenants(plants)) seed(`customer-${t.id.replace(/-demo$/, "")}`, "customer", t.id);
      writePrivate(demoPath, demo);
    }
    writePrivate(authPath, file);
    return { auth: new Auth(file), demoTokens: demo };
  }

  tenant(id: string): Tenant | undefined {
    return this.tenantsById.get(id);
  }

  tenants(): Tenant[] {
    return [...this.tenantsById.values()];
  }

  /** The principal of an `Authorization: Bearer <token>` header; throws AUTH_ERR_UNAUTHENTICATED otherwise. */
  authenticate(header: string | undefined): Principal {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
    if (!token) {
      throw new MoldtwinError("AUTH_ERR_UNAUTHENTICATED", "an API token is required", [
        { field: "Authorization", allowed: "Bearer <token> (the demo tokens are printed by npm start)" },
      ]);
    }
    const hash = sha256(token);
    const record = this.byHash.get(hash);
    // The map lookup is by hash, so timing reveals nothing of the token; compare anyway for the record found.
    if (!record || !timingSafeEqual(Buffer.from(record.sha256, "hex"), Buffer.from(hash, "hex"))) {
      throw new MoldtwinError("AUTH_ERR_UNAUTHENTICATED", "unknown or revoked API token", [
        { field: "Authorization", allowed: "a token issued by this service" },
      ]);
    }
    const tenant = this.tenantsById.get(record.tenant);
    if (!tenant) throw new MoldtwinError("AUTH_ERR_UNAUTHENTICATED", `the token's tenant ${record.tenant} is gone`);
    return { tokenId: record.id, user: record.user, role: record.role, tenant };
  }
}

function customerTenants(plants: readonly Plant[]): Tenant[] {
  const seen = new Map<string, Tenant>();
  for (const p of plants) {
    if (!seen.has(p.tenant)) seen.set(p.tenant, { id: p.tenant, name: tenantName(p), kind: "customer" });
  }
  return [...seen.values()];
}

const tenantName = (p: Plant): string => p.name.split(/\s+—\s+/)[0] ?? p.tenant;

function writePrivate(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
