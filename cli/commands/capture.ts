export const summary = "(being built)";
export async function run(_args: string[]): Promise<number> {
  process.stderr.write("netmortem capture: not built yet\n");
  return 1;
}
