/** The log, timing and Kubernetes parsers; the registry adds them to the system parsers. */
import type { TextParser } from "../../parser";
import { ingressAccessParser, nginxAccessParser } from "./access";
import { clientLogParser } from "./client";
import { envoyAccessParser } from "./envoy";
import { haproxyLogParser } from "./haproxy";
import { jsonAccessParser } from "./jsonAccess";
import { kernelLogParser } from "./kernel";
import { kubernetesParser } from "./kubernetes";
import { klogParser, nginxErrorParser } from "./nginxError";
import { timingParser } from "./timing";

export const logParsers: TextParser[] = [
  nginxErrorParser, klogParser, nginxAccessParser, ingressAccessParser, envoyAccessParser, kernelLogParser,
  timingParser, kubernetesParser, haproxyLogParser, jsonAccessParser, clientLogParser,
];

export {
  ingressAccessParser, nginxAccessParser, envoyAccessParser, kernelLogParser, kubernetesParser, klogParser,
  nginxErrorParser, timingParser, haproxyLogParser, jsonAccessParser, clientLogParser,
};
