/** The agent's version: package.json's, put in by the esbuild build (scripts/build/cli.mjs); "dev" from sources. */
declare const __NETMORTEM_VERSION__: string | undefined;
export const AGENT_VERSION: string = typeof __NETMORTEM_VERSION__ === "string" ? __NETMORTEM_VERSION__ : "dev";
