// npm start's Node options for the server (scripts/node-options.mjs): the smaller young generation and the full
// collections between a job's steps that keep the 1 GiB upload's analysis near 400 MB RSS, overridable.
import { expect, it } from "vitest";
import { serverNodeOptions } from "./node-options.mjs";

it("gives the server --max-semi-space-size=4 and --expose-gc unless told otherwise", () => {
  expect(serverNodeOptions({})).toEqual({ NODE_OPTIONS: "--max-semi-space-size=4 --expose-gc" });
  expect(serverNodeOptions({ NODE_OPTIONS: "--enable-source-maps" })).toEqual({ NODE_OPTIONS: "--enable-source-maps --max-semi-space-size=4 --expose-gc" });
  expect(serverNodeOptions({ NETMORTEM_SEMI_SPACE_MB: "8" })).toEqual({ NODE_OPTIONS: "--max-semi-space-size=8 --expose-gc" });
  expect(serverNodeOptions({ NETMORTEM_SEMI_SPACE_MB: "0" })).toEqual({ NODE_OPTIONS: "--expose-gc" });
  expect(serverNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=32 --expose-gc" })).toEqual({});
  expect(() => serverNodeOptions({ NETMORTEM_SEMI_SPACE_MB: "4 --inspect" })).toThrow(/whole number of MB/);
});
