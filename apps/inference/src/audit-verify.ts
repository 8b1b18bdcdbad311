import type { Connection } from 'mongoose';
import { AuditHeadMessage, decodeMessage, Streams } from '@hallwatch/contracts';
import { KEPT_REVIEWS, sha256Hex, verifyChain } from '@hallwatch/domain';
import { NatsAdapter } from '@hallwatch/runtime';
import { EvidenceRepository } from './repositories/evidence.repository';
import {
  INCIDENT,
  INCIDENT_TOMBSTONE,
  IncidentRecord,
  IncidentSchema,
  IncidentTombstone,
  IncidentTombstoneSchema,
} from './repositories/incident.schemas';

/** What `hallwatch audit verify` found. */
export interface AuditReport {
  incidents: number;
  entries: number;
  /** Evidence frames whose bytes were hashed and compared. */
  evidence: number;
  /** Each broken incident with every fault found in it. */
  broken: { id: string; faults: string[] }[];
  /** Entries and frames from before hashing: counted, reported, not verifiable. */
  unchained: { entries: number; frames: number; incidents: string[] };
  /** Incidents whose chain head the stream has; undefined when the stream was not read. */
  headsCompared?: number;
}

const BATCH = 200;

/**
 * Checks every incident's audit chain (verifyChain), every stored evidence frame against the
 * SHA-256 recorded at capture, recorded frames gone before their retention ended, and, given the
 * chain heads published on hallwatch.audit.heads, that the database still holds each published
 * head (a rewritten or deleted trail shows; a purged incident must have its tombstone).
 */
export async function verifyAudit(
  db: Connection,
  options: { heads?: AuditHeadMessage[]; evidenceRetentionMs: number; now?: number },
): Promise<AuditReport> {
  const incidents = db.model<IncidentRecord>(INCIDENT, IncidentSchema);
  const tombstones = db.model<IncidentTombstone>(INCIDENT_TOMBSTONE, IncidentTombstoneSchema);
  const evidence = new EvidenceRepository(db);
  const now = options.now ?? Date.now();
  const heads = new Map<string, AuditHeadMessage>();
  for (const h of options.heads ?? []) if ((heads.get(h.incidentId)?.entries ?? 0) < h.entries) heads.set(h.incidentId, h);
  const report: AuditReport = {
    incidents: 0,
    entries: 0,
    evidence: 0,
    broken: [],
    unchained: { entries: 0, frames: 0, incidents: [] },
    headsCompared: options.heads ? 0 : undefined,
  };
  const seen = new Set<string>();

  const check = async (r: IncidentRecord, files: Awaited<ReturnType<EvidenceRepository['list']>>): Promise<void> => {
    const faults: string[] = [];
    const trail = r.audit ?? [];
    const chain = verifyChain({ id: r._id, kind: r.kind, hallId: r.hallId, windowId: r.windowId, openedAt: r.openedAt }, trail);
    report.incidents++;
    report.entries += chain.entries;
    if (chain.broken) faults.push(chain.broken);
    let unchained = chain.unchained;
    const recorded = new Map((r.evidence ?? []).map((e) => [e.n, e]));
    for (const file of files.get(r._id) ?? []) {
      const expected = recorded.get(file.n)?.sha256 ?? file.sha256;
      recorded.delete(file.n);
      if (!expected) {
        unchained++;
        report.unchained.frames++;
        continue;
      }
      const frame = await evidence.get(r._id, file.n);
      report.evidence++;
      if (frame && sha256Hex(frame.jpeg) !== expected)
        faults.push(`evidence frame ${file.n} does not match its SHA-256 recorded at capture (it was altered)`);
    }
    for (const [n, gone] of recorded)
      if ((r.review && KEPT_REVIEWS.includes(r.review)) || gone.capturedAt.getTime() >= now - options.evidenceRetentionMs)
        faults.push(`evidence frame ${n} recorded at capture is missing before its retention ended`);
    const head = heads.get(r._id);
    if (head) {
      report.headsCompared!++;
      if (head.entries > chain.entries)
        faults.push(`the published chain head has ${head.entries} entries, the database ${chain.entries}: entries were removed`);
      else if (chain.hashes[head.entries - 1] !== head.hash)
        faults.push(`entry ${head.entries - 1} differs from the chain head published at ${head.at} (the trail was rewritten)`);
    }
    report.unchained.entries += chain.unchained;
    if (unchained > 0) report.unchained.incidents.push(r._id);
    if (faults.length > 0) report.broken.push({ id: r._id, faults });
  };

  let batch: IncidentRecord[] = [];
  const flush = async () => {
    const files = await evidence.list(batch.map((r) => r._id));
    for (const r of batch) await check(r, files);
    batch = [];
  };
  for await (const r of incidents.find().sort({ _id: 1 }).lean().cursor()) {
    seen.add(r._id);
    batch.push(r as IncidentRecord);
    if (batch.length >= BATCH) await flush();
  }
  await flush();

  // Published heads of incidents no longer in the database: purged (its tombstone) or deleted.
  for (const head of heads.values()) {
    if (seen.has(head.incidentId)) continue;
    report.headsCompared!++;
    const tomb = await tombstones.findById(head.incidentId).lean();
    const fault = !tomb
      ? 'deleted from the database without a tombstone (its chain head was published)'
      : tomb.entries < head.entries
        ? `its tombstone has ${tomb.entries} entries, the published chain head ${head.entries}`
        : tomb.entries === head.entries && tomb.lastHash !== head.hash
          ? "its tombstone's last hash differs from the published chain head"
          : undefined;
    if (fault) report.broken.push({ id: head.incidentId, faults: [fault] });
  }
  return report;
}

/**
 * Every chain head in the stream (HALLWATCH_AUDIT), or why it could not be read. Tries NATS
 * once, briefly: verify also runs where only the database is at hand.
 */
export async function readAuditHeads(natsUrl: string, timeoutMs = 5000): Promise<{ heads: AuditHeadMessage[] } | { unreachable: string }> {
  // Reads only (it creates no stream or bucket), so the replicas are never used.
  const nats = new NatsAdapter(
    { natsUrl, name: 'hallwatch-audit-verify', replicas: 1, connect: { maxReconnectAttempts: 0, timeout: timeoutMs } },
    { log: () => undefined, warn: (m) => console.error(m) },
  );
  let nc;
  try {
    nc = await nats.connection();
  } catch (err) {
    return { unreachable: (err as Error).message };
  }
  try {
    const jsm = await nc.jetstreamManager({ timeout: timeoutMs });
    const info = await jsm.streams.info(Streams.auditHeads.name).catch(() => undefined);
    if (!info || info.state.messages === 0) return { heads: [] };
    const consumer = await nc.jetstream().consumers.get(Streams.auditHeads.name);
    const heads: AuditHeadMessage[] = [];
    const messages = await consumer.consume();
    for await (const m of messages) {
      const decoded = decodeMessage(AuditHeadMessage, m.data);
      if (decoded.ok) heads.push(decoded.value);
      if (m.info.pending === 0 || m.seq >= info.state.last_seq) break;
    }
    return { heads };
  } finally {
    await nats.close();
  }
}
