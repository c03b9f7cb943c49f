// `npm run db:migrate`: applies pending migrations to the database the environment selects (see lib/server/db.ts)
// and exits. scripts/start.mjs runs it before starting the server.
import { openFromEnv } from "../lib/server/db";
import { migrate } from "../lib/server/migrate";

async function main(): Promise<void> {
  const db = await openFromEnv();
  try {
    const result = await db.withSession((s) => migrate(s, undefined, (line) => console.log(`[migrate] ${line}`)));
    console.log(
      `[migrate] ${db.kind}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  // some libraries throw plain objects ({ errno, code }): show their fields, never "[object Object]"
  const text = err instanceof Error ? err.message : typeof err === "object" && err !== null ? JSON.stringify(err) : String(err);
  console.error(`[migrate] ${text}`);
  process.exit(1);
});
