/** A small option parser for the commands: `--name value`, `--name=value`, flags, positionals. */
export class UsageError extends Error {}

export type Spec = Record<string, "flag" | "value" | "list">;

export function parseArgs(args: string[], spec: Spec): { opts: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  const opts: Record<string, string | boolean | string[] | undefined> = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, "");
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown option ${a.slice(0, eq > 0 ? eq : undefined)}`);
    if (kind === "flag") {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      opts[name] = true;
      continue;
    }
    const v = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (v === undefined) throw new UsageError(`--${name} needs a value`);
    if (kind === "list") opts[name] = [...((opts[name] as string[] | undefined) ?? []), v];
    else opts[name] = v;
  }
  return { opts, positionals };
}
