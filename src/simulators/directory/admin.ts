import { directoryFileSchema } from "../../fixture-formats/directory-schema.ts";
import { adminBody, answer, required } from "../host/admin-input.ts";
import type { AdminRegistry } from "../host/types.ts";
import type { DirectoryTwin } from "./twin.ts";

/**
 * Directory controls over the admin API, for standalone runs and harnesses in other processes:
 * `PUT /_sim/directory` (a directory fixture object) and `POST /_sim/directory/members`
 * `{group, member, remove?}`.
 */
export function installDirectoryAdmin(host: AdminRegistry, twin: DirectoryTwin): void {
  const directory = twin.store;
  host.admin("PUT", "/_sim/directory", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      // One fixture format for files and the admin API: the fixture loader's schema.
      const parsed = directoryFileSchema.safeParse(b);
      if (!parsed.success) {
        throw new Error(
          parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; "),
        );
      }
      directory.load(parsed.data);
      return directory.snapshot();
    });
  });
  host.admin("POST", "/_sim/directory/members", async (ctx) => {
    const b = await adminBody(ctx);
    return answer(() => {
      if (b.remove === true) directory.removeMember(required(b, "group"), required(b, "member"));
      else directory.addMember(required(b, "group"), required(b, "member"));
      return directory.group(required(b, "group"));
    });
  });
}
