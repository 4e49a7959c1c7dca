// The environment's action group: where Azure Monitor alerts (metric alerts, Key Vault expiry events delivered
// through Event Grid) send their e-mails. Receivers come from the environment's `alertEmails`.
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import { withTags } from "./options";
import type { Tags } from "./types";
import { Validator } from "./validation";

export interface AlertActionGroupArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Azure name of the action group (1–260 chars). */
  actionGroupName: string;
  /** Shown in e-mail and SMS subjects; 1–12 characters (Azure's limit). */
  shortName: string;
  /** E-mail receivers; may be empty (alerts then only appear in the portal). */
  emails: string[];
  tags?: Tags;
}

/** Checks AlertActionGroup args without creating anything. */
export function validateAlertActionGroupArgs(name: string, args: AlertActionGroupArgs): void {
  const v = new Validator("AlertActionGroup", name);
  v.pattern("actionGroupName", args.actionGroupName, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,259}$/, "1–260 letters, digits, '_', '.' and '-'");
  v.pattern("shortName", args.shortName, /^[A-Za-z0-9-]{1,12}$/, "1–12 letters, digits and hyphens");
  const seen = new Set<string>();
  for (const [i, e] of args.emails.entries()) {
    v.pattern(`emails[${i}]`, e, /^[^@\s]+@[^@\s]+\.[^@\s]+$/, "an e-mail address");
    v.check(!seen.has(e.toLowerCase()), `emails[${i}]`, e, "unique e-mail addresses");
    seen.add(e.toLowerCase());
  }
}

export function alertActionGroup(name: string, args: AlertActionGroupArgs, opts?: pulumi.CustomResourceOptions): monitor.ActionGroup {
  validateAlertActionGroupArgs(name, args);
  return new monitor.ActionGroup(
    name,
    {
      resourceGroupName: args.resourceGroupName,
      actionGroupName: args.actionGroupName,
      groupShortName: args.shortName,
      // Action groups are global resources.
      location: "global",
      enabled: true,
      emailReceivers: args.emails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
      tags: withTags(args.tags),
    },
    opts,
  );
}
