export const summary = "(being built)";
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("netmortem evidence: not built yet\n");
  return 1;
}
