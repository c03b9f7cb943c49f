#!/usr/bin/env bash
# Records REAL kubectl output for the Kubernetes facts parser. There is no cluster here, so kubectl talks
# to a stand-in API server (python, plain HTTP on a network namespace's loopback; the namespace is
# created and deleted by this script) that serves /version and a ServiceList, the JSON a v1.24 API server
# returns. What kubectl prints from it (tables, json, yaml, version text) is kubectl's own formatting.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
OUT="$(cd "$(dirname "$0")/../.." && pwd)/lib/analysis/evidence/testdata/recorded/kubernetes"
mkdir -p "$OUT"
NS=nmrec-kube
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  ip netns del $NS 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM
ip netns add $NS; ip -n $NS link set lo up
cat > "$WORK/api.py" <<'PY'
import json
from http.server import BaseHTTPRequestHandler, HTTPServer
VERSION = {"major": "1", "minor": "24", "gitVersion": "v1.24.17", "gitCommit": "22a9682c8fe855c321be75c5faacde343f909b04",
           "gitTreeState": "clean", "buildDate": "2023-08-23T23:37:25Z", "goVersion": "go1.20.7", "compiler": "gc", "platform": "linux/amd64"}
def svc(ns, name, typ, cip, ports, created="2026-11-20T07:00:00Z"):
    return {"metadata": {"name": name, "namespace": ns, "creationTimestamp": created, "uid": name + "-uid", "resourceVersion": "1"},
            "spec": {"type": typ, "clusterIP": cip, "clusterIPs": [cip], "ports": ports, "selector": {"app": name}},
            "status": {"loadBalancer": {}}}
SERVICES = {"kind": "ServiceList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"}, "items": [
    svc("default", "kubernetes", "ClusterIP", "10.96.0.1", [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}]),
    svc("ingress-nginx", "ingress-nginx-controller", "NodePort", "10.96.120.7", [
        {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 80, "nodePort": 30080},
        {"name": "https", "protocol": "TCP", "port": 443, "targetPort": 443, "nodePort": 30443}]),
    svc("shop", "checkout", "LoadBalancer", "10.96.33.2", [{"name": "http", "protocol": "TCP", "port": 8080, "targetPort": 8080, "nodePort": 32201}]),
    svc("kube-system", "kube-dns", "ClusterIP", "10.96.0.10", [{"name": "dns", "protocol": "UDP", "port": 53, "targetPort": 53}]),
]}
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        p = self.path.split("?")[0]
        if p == "/version": body = VERSION
        elif p in ("/api/v1/services",): body = SERVICES
        elif p == "/api": body = {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}
        elif p == "/apis": body = {"kind": "APIGroupList", "apiVersion": "v1", "groups": []}
        elif p == "/api/v1":
            body = {"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                {"name": "services", "singularName": "service", "namespaced": True, "kind": "Service", "verbs": ["get", "list"], "shortNames": ["svc"]}]}
        else:
            self.send_response(404); self.end_headers(); return
        data = json.dumps(body).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
HTTPServer(("127.0.0.1", 8001), H).serve_forever()
PY
ip netns exec $NS python3 "$WORK/api.py" & PIDS+=($!)
for _ in $(seq 50); do ip netns exec $NS ss -ltn | grep -q ':8001 ' && break; sleep 0.1; done
K="kubectl --server=http://127.0.0.1:8001 --cache-dir=$WORK/cache"
ip netns exec $NS $K version > "$OUT/kubectl-version.txt" 2>&1 || true
ip netns exec $NS $K version -o json > "$OUT/kubectl-version.json" 2>&1 || true
ip netns exec $NS $K version -o yaml > "$OUT/kubectl-version.yaml" 2>&1 || true
# (the `get svc` TABLE is printed server-side from a meta.k8s.io Table this stand-in does not make: the
# table fixture is written by hand instead, see testdata/written/kubectl-get-svc-A.txt)
ip netns exec $NS $K get svc -A -o json > "$OUT/kubectl-get-svc-A.json" 2>&1 || true
wc -l "$OUT"/*
