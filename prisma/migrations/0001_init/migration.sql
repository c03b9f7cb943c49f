-- CreateEnum
CREATE TYPE "cni" AS ENUM ('flannel', 'calico', 'cilium', 'weave', 'canal', 'kube-router', 'aws-vpc-cni', 'azure-cni', 'other');

-- CreateEnum
CREATE TYPE "kube_proxy_mode" AS ENUM ('iptables', 'ipvs', 'nftables', 'ebpf', 'none');

-- CreateEnum
CREATE TYPE "node_role" AS ENUM ('control-plane', 'worker', 'other');

-- CreateEnum
CREATE TYPE "severity" AS ENUM ('sev1', 'sev2', 'sev3', 'sev4');

-- CreateEnum
CREATE TYPE "incident_status" AS ENUM ('open', 'mitigated', 'resolved');

-- CreateEnum
CREATE TYPE "timeline_kind" AS ENUM ('note', 'detection', 'diagnosis', 'repair', 'key-moment', 'status-change');

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(120) NOT NULL,
    "provider" VARCHAR(60),
    "kubernetes_version" VARCHAR(40),
    "cni" "cni",
    "cni_mode" VARCHAR(40),
    "underlay_mtu" INTEGER,
    "overlay_mtu" INTEGER,
    "node_port_range" VARCHAR(11),
    "pod_cidr" VARCHAR(64),
    "service_cidr" VARCHAR(64),
    "kube_proxy_mode" "kube_proxy_mode",
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nodes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "name" VARCHAR(253) NOT NULL,
    "role" "node_role" NOT NULL DEFAULT 'worker',
    "addresses" VARCHAR(45)[] DEFAULT ARRAY[]::VARCHAR(45)[],
    "kernel_version" VARCHAR(80),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID,
    "title" VARCHAR(200) NOT NULL,
    "severity" "severity" NOT NULL,
    "status" "incident_status" NOT NULL DEFAULT 'open',
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "detected_at" TIMESTAMPTZ(3),
    "mitigated_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "commander" VARCHAR(120),
    "summary" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "timeline_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "incident_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" "timeline_kind" NOT NULL,
    "author" VARCHAR(120),
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "timeline_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "clusters_name_key" ON "clusters"("name");

-- CreateIndex
CREATE INDEX "clusters_created_at_id_idx" ON "clusters"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "nodes_cluster_id_created_at_id_idx" ON "nodes"("cluster_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "nodes_cluster_id_name_key" ON "nodes"("cluster_id", "name");

-- CreateIndex
CREATE INDEX "incidents_started_at_id_idx" ON "incidents"("started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "incidents_status_started_at_id_idx" ON "incidents"("status", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "incidents_cluster_id_started_at_id_idx" ON "incidents"("cluster_id", "started_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "timeline_events_incident_id_at_id_idx" ON "timeline_events"("incident_id", "at", "id");

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "timeline_events" ADD CONSTRAINT "timeline_events_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incidents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
