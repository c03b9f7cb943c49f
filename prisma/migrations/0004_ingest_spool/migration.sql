-- AlterTable
ALTER TABLE "analysis_jobs" ADD COLUMN     "affinity" VARCHAR(64);

-- AlterTable
ALTER TABLE "evidence_items" ADD COLUMN     "options" JSONB,
ADD COLUMN     "spool_path" VARCHAR(512),
ADD COLUMN     "store_id" VARCHAR(64);
