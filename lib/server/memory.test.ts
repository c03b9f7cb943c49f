// collectGarbage asks V8 for a full collection when the process has one to give (--expose-gc, from npm start), and
// is a no-op otherwise.
import { afterEach, expect, it, vi } from "vitest";
import { collectGarbage } from "./memory";

const g = globalThis as { gc?: () => void };
const had = g.gc;
afterEach(() => {
  g.gc = had;
});

it("calls the exposed gc, and does nothing without one", () => {
  const gc = vi.fn();
  g.gc = gc;
  collectGarbage();
  expect(gc).toHaveBeenCalledTimes(1);
  delete g.gc;
  expect(() => collectGarbage()).not.toThrow();
});
