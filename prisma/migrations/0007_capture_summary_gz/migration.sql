-- AlterTable
ALTER TABLE "evidence_files" ADD COLUMN     "capture_brief" JSONB,
ADD COLUMN     "capture_summary_gz" BYTEA;

-- What lists show of the captures stored before this migration (their summary stays in capture_summary).
UPDATE "evidence_files" SET "capture_brief" = jsonb_build_object(
  'format', COALESCE("capture_summary"->>'format', 'pcap'),
  'packets', COALESCE(("capture_summary"->>'packets')::bigint, 0),
  'bytes', COALESCE(("capture_summary"->>'bytes')::bigint, 0),
  'flows', CASE WHEN jsonb_typeof("capture_summary"->'flows') = 'array' THEN jsonb_array_length("capture_summary"->'flows') ELSE 0 END,
  'handshakes', CASE WHEN jsonb_typeof("capture_summary"->'handshakes') = 'object' THEN jsonb_build_object(
    'attempted', COALESCE(("capture_summary"->'handshakes'->>'attempted')::bigint, 0),
    'failed', COALESCE(("capture_summary"->'handshakes'->>'failed')::bigint, 0)) ELSE NULL END,
  'error', CASE WHEN jsonb_typeof("capture_summary"->'error') = 'object' THEN "capture_summary"->'error' ELSE NULL END)
WHERE "capture_summary" IS NOT NULL AND jsonb_typeof("capture_summary") = 'object';
