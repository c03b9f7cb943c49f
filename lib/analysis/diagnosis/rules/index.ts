import type { Rule } from "../context";
import { rule as overlay } from "./overlay_mtu_mismatch";
import { rule as pmtu } from "./pmtu_blackhole";
import { rule as twRecycle } from "./tw_recycle_nat_paws";
import { rule as portRange } from "./port_range_nodeport_collision";
import { rule as acceptQueue } from "./accept_queue_overflow";
import { rule as keepalive } from "./keepalive_timeout_mismatch";
import { rule as bridgeSubnet } from "./bridge_subnet_collision";
import { rule as ctFull } from "./conntrack_table_full";
import { rule as ctRace } from "./conntrack_insert_race";
import { rule as ephemeral } from "./ephemeral_port_exhaustion";
import { rule as rpFilter } from "./rp_filter_asymmetric_route";
import { rule as bridgeNf } from "./bridge_nf_call_iptables_disabled";

/** one rule per root-cause id, in the order of root-causes.md */
export const RULES: Rule[] = [overlay, pmtu, twRecycle, portRange, acceptQueue, keepalive, bridgeSubnet, ctFull, ctRace, ephemeral, rpFilter, bridgeNf];
