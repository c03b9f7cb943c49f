// Runs in the browser before any of the app's code (Next's instrumentation-client convention).
// zod 4 compiles object parsers with `new Function` unless told not to, and probes for it with a caught
// `new Function("")` when its first object schema is made: under the pages' CSP (no 'unsafe-eval', proxy.ts) that
// probe is a Content-Security-Policy violation report even though the error is swallowed. jitless: no probe, no eval.
import { z } from "zod";

z.config({ jitless: true });
