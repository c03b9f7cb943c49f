-- AlterTable
ALTER TABLE "evidence_files" ADD COLUMN     "unreadable" VARCHAR(1000);

-- AlterTable
ALTER TABLE "node_snapshots" ADD COLUMN     "outputs" JSONB;
