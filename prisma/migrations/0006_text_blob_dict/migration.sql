-- AlterTable
ALTER TABLE "text_blobs" ADD COLUMN     "dict_sha256" CHAR(64);

-- AddForeignKey
ALTER TABLE "text_blobs" ADD CONSTRAINT "text_blobs_dict_sha256_fkey" FOREIGN KEY ("dict_sha256") REFERENCES "text_blobs"("sha256") ON DELETE RESTRICT ON UPDATE CASCADE;
