import { z } from "zod";
import type { DirectorySpec } from "./model.ts";

/**
 * The directory fixture format (YAML files parse into this): tenant, users, groups (members are
 * UPNs, bare user names, group names or ids; groups nest), app registrations. Ids are optional and
 * derived deterministically from names when omitted.
 */
export const directorySpecSchema = z
  .object({
    tenant: z.string().min(1),
    tenantId: z.string().uuid().optional(),
    domain: z.string().min(1).optional(),
    users: z
      .array(
        z
          .object({
            upn: z.string().min(1),
            id: z.string().uuid().optional(),
            mail: z.string().nullable().optional(),
            displayName: z.string().optional(),
            guest: z.boolean().optional(),
            enabled: z.boolean().optional(),
            password: z.string().optional(),
          })
          .strict(),
      )
      .optional(),
    groups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            id: z.string().uuid().optional(),
            mailNickname: z.string().optional(),
            members: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
    apps: z
      .array(
        z
          .object({
            clientId: z.string().min(1),
            secret: z.string().min(1),
            name: z.string().optional(),
            roles: z.array(z.string()).optional(),
            scopes: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

/** Validates a plain object as a directory fixture; errors name the offending path. */
export function parseDirectorySpec(input: unknown): DirectorySpec {
  const parsed = directorySpecSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`invalid directory fixture:\n  ${issues.join("\n  ")}`);
  }
  return parsed.data;
}
