/**
 * The committed WebAssembly (core-wasm.ts) is what core/engine.ts compiles to: a change to the source
 * without `npm run build:wasm` fails here, not silently in production.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileCore, render } from "../../../scripts/build/wasm";

describe("core-wasm.ts", () => {
  it("is what lib/analysis/capture/core/engine.ts compiles to", () => {
    const committed = readFileSync(new URL("./core-wasm.ts", import.meta.url), "utf8");
    expect(committed === render(compileCore()), "core-wasm.ts is stale: run `npm run build:wasm`").toBe(true);
  }, 60_000);
});
