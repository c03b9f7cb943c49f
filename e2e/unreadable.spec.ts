import { API, createIncident } from "./support/api";
import { expect, test } from "./support/test";

// Issue 10 item 4: an input the analysis could not read is reported in the analysis and in the war room, never
// silent. The input is the issue's own 104-byte pcap (snaplen 0xFFFFFFFF, a record claiming 0xFFFFFFF0 bytes),
// built here exactly as the python one-liner writes it.
function hangPcap(): Buffer {
  const b = Buffer.alloc(24 + 16 + 64);
  b.writeUInt32LE(0xa1b2c3d4, 0);
  b.writeUInt16LE(2, 4);
  b.writeUInt16LE(4, 6);
  b.writeUInt32LE(0xffffffff, 16);
  b.writeUInt32LE(1, 20);
  b.writeUInt32LE(1, 24);
  b.writeUInt32LE(0xfffffff0, 32);
  b.writeUInt32LE(60, 36);
  return b;
}

test("a capture that could not be read is listed in the war room as what the diagnosis lacks", async ({ page, request }) => {
  const incident = await createIncident(request);
  const up = await request.post(`${API}/incidents/${incident.id}/evidence`, {
    headers: { "content-type": "application/vnd.tcpdump.pcap", "x-filename": "hang.pcap" },
    data: hangPcap(),
  });
  expect(up.status(), await up.text()).toBe(202);
  await expect
    .poll(async () => ((await (await request.get(`${API}/incidents/${incident.id}/analysis`)).json()) as { data: { status: string } }).data.status, { timeout: 60_000 })
    .toBe("done");

  await page.goto(`/incidents/${incident.id}`);
  const notice = page.getByTestId("analysis-incomplete");
  await expect(notice).toContainText("Incomplete: 1 input could not be read (in full)");
  await expect(notice).toContainText("hang.pcap");
  await expect(notice).toContainText("packet record 1 claims 4294967280 bytes, more than the maximum 67108864");
});
