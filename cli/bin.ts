/** Entry of the built command (dist/cli/bin.js, made by scripts/build/cli.mjs). */
import { main } from "./main";

process.exitCode = await main(process.argv.slice(2));
