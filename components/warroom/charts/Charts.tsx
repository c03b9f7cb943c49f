"use client";

import { useState, type ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { useCharts, useIncidentNodes, useNodeCounters } from "@/lib/client/warroom";
import { CHART_COUNTERS } from "@/lib/schemas/snapshot";
import { ErrorState, Loading } from "@/components/ui/States";
import { counterChart, flowsByState, latencyChart, retransChart } from "./data";

const COLORS = ["#0f172a", "#b91c1c", "#0369a1", "#a16207", "#047857", "#7e22ce"];
const AXIS = { fontSize: 11, fill: "#334155" };

/** A chart with its title, its text alternative (read by screen readers, shown under the chart) and its data table. */
function Figure({ id, title, summary, table, controls, children }: { id: string; title: string; summary: string; table: ReactNode; controls?: ReactNode; children: ReactNode }) {
  return (
    <figure className="card p-4" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
        {title}
      </h3>
      {/* controls stay outside role="img": an image holds nothing interactive (axe nested-interactive) */}
      {controls}
      <div role="img" aria-label={summary} className="mt-2">
        {children}
      </div>
      <figcaption className="mt-2 text-xs text-slate-700" data-testid="chart-summary">
        {summary}
      </figcaption>
      <details className="mt-1 text-xs">
        <summary className="cursor-pointer text-sky-800">Data as a table</summary>
        <div className="mt-1 max-h-60 overflow-auto" tabIndex={0} role="region" aria-label={`${title}: data`}>
          {table}
        </div>
      </details>
    </figure>
  );
}

function Table({ head, rows }: { head: string[]; rows: Array<Array<string | number>> }) {
  return (
    <table className="w-full text-left">
      <thead>
        <tr>
          {head.map((h) => (
            <th key={h} scope="col" className="pr-3 font-semibold">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.map((c, j) => (
              <td key={j} className="pr-3 tabular-nums">
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Charts({ incidentId, startedAt }: { incidentId: string; startedAt: string }) {
  const q = useCharts(incidentId);
  if (q.isPending) return <Loading label="Loading charts…" />;
  if (q.isError && !q.data) return <ErrorState error={q.error} title="Could not load the charts" onRetry={() => void q.refetch()} />;
  const data = q.data;
  const rt = retransChart(data);
  const lat = latencyChart(data);
  const fs = flowsByState(data);
  return (
    <div className="grid gap-4 lg:grid-cols-2" data-testid="charts">
      <Figure
        id="retrans"
        title="SYN / SYN-ACK retransmission offsets vs the kernel's schedule"
        summary={rt.summary}
        table={<Table head={["offset (s)", "SYN", "SYN-ACK", "on the schedule"]} rows={rt.bars.map((b) => [b.offset, b.syn, b.synAck, rt.schedule.some((p) => Math.abs(p - b.offset) <= 0.2) ? "yes" : "no"])} />}
      >
        <BarChart responsive style={{ width: "100%", height: 220 }} data={rt.bars} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="offset" type="number" domain={[0, Math.max(8, ...rt.bars.map((b) => b.offset + 1))]} tick={AXIS} label={{ value: "seconds after the first SYN", position: "insideBottom", offset: -8, ...AXIS }} />
          <YAxis allowDecimals={false} tick={AXIS} />
          <Tooltip isAnimationActive={false} />
          <Legend verticalAlign="top" wrapperStyle={{ fontSize: 11 }} />
          {rt.schedule.map((x) => (
            <ReferenceLine key={`s${x}`} x={x} stroke="#b91c1c" strokeDasharray="4 3" />
          ))}
          <Bar dataKey="syn" name="SYN retransmissions" fill="#0f172a" isAnimationActive={false} barSize={6} />
          <Bar dataKey="synAck" name="SYN-ACK retransmissions" fill="#0369a1" isAnimationActive={false} barSize={6} />
        </BarChart>
      </Figure>

      <Figure
        id="latency"
        title="Observed latencies vs the SYN schedule and configured timeouts"
        summary={lat.summary}
        table={<Table head={["from (s)", "to (s)", "requests"]} rows={lat.bins.filter((b) => b.count > 0).map((b) => [b.from, b.to, b.count])} />}
      >
        <BarChart responsive style={{ width: "100%", height: 220 }} data={lat.bins} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="mid" type="number" domain={[0, lat.bins.at(-1)?.to ?? 1]} tick={AXIS} label={{ value: "latency (s)", position: "insideBottom", offset: -8, ...AXIS }} />
          <YAxis allowDecimals={false} tick={AXIS} scale="sqrt" />
          <Tooltip isAnimationActive={false} />
          {lat.marks.map((m) => (
            <ReferenceLine key={`${m.kind}${m.x}${m.label}`} x={m.x} stroke={m.kind === "syn" ? "#b91c1c" : "#a16207"} strokeDasharray={m.kind === "syn" ? "4 3" : "1 0"} />
          ))}
          <Bar dataKey="count" name="requests" fill="#0f172a" isAnimationActive={false} />
        </BarChart>
      </Figure>

      <Figure id="flows" title="Flows by state" summary={fs.summary} table={<Table head={["state", "flows", "meaning"]} rows={fs.bars.map((b) => [b.state, b.count, b.meaning])} />}>
        <BarChart responsive style={{ width: "100%", height: 220 }} data={fs.bars} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="state" tick={AXIS} />
          <YAxis allowDecimals={false} tick={AXIS} />
          <Tooltip isAnimationActive={false} />
          <Bar dataKey="count" name="flows" isAnimationActive={false}>
            {fs.bars.map((b) => (
              <Cell key={b.state} fill={b.failed ? "#b91c1c" : "#0f172a"} />
            ))}
          </Bar>
        </BarChart>
      </Figure>

      <CounterFigure incidentId={incidentId} startedAt={startedAt} />
    </div>
  );
}

function CounterFigure({ incidentId, startedAt }: { incidentId: string; startedAt: string }) {
  const [counter, setCounter] = useState<string>("TcpExt.ListenOverflows");
  const nodes = useIncidentNodes(incidentId);
  const linked = (nodes.data ?? []).map((n) => ({ id: n.id, name: n.name }));
  const q = useNodeCounters(incidentId, linked, counter);
  const c = counterChart(q.data ?? [], counter, startedAt);
  const summary = linked.length === 0 ? "No node linked: counters over time come from the linked nodes' agent snapshots." : q.isPending ? "Loading…" : c.summary;
  return (
    <Figure
      id="counters"
      title="Counters over time per node (agent snapshots)"
      summary={summary}
      table={<Table head={["time (UTC)", ...c.nodes]} rows={c.rows.map((r) => [new Date(r.t).toISOString().slice(0, 19).replace("T", " "), ...c.nodes.map((n) => r[n] ?? "—")])} />}
      controls={
        <div className="mt-2">
          <label htmlFor="counter-pick" className="label">
            Counter
          </label>
          <select id="counter-pick" className="input w-72" value={counter} onChange={(e) => setCounter(e.target.value)}>
            {CHART_COUNTERS.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      }
    >
      <LineChart responsive style={{ width: "100%", height: 200 }} data={c.rows} accessibilityLayer={false} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="t" type="number" scale="time" domain={["dataMin", "dataMax"]} tick={AXIS} tickFormatter={(t: number) => new Date(t).toISOString().slice(11, 16)} />
        <YAxis tick={AXIS} />
        <Tooltip isAnimationActive={false} labelFormatter={(t) => new Date(Number(t)).toISOString().replace("T", " ").slice(0, 19) + " UTC"} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        <ReferenceLine x={c.start} stroke="#b91c1c" label={{ value: "incident start", fontSize: 10, fill: "#991b1b" }} />
        {c.nodes.map((n, i) => (
          <Line key={n} dataKey={n} name={`${n} (${c.unit})`} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </Figure>
  );
}
