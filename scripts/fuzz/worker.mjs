// Worker thread of the fuzzer: tsx for the TypeScript sources, then the loop in worker.ts.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");
