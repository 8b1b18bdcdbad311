import type { RunningService } from '../support/e2e';
import { eventually } from '../support/e2e';
import { EventLog, intervals, monitorStates, presenceLedger, startTwoInstances, TwoInstances } from './inference-harness';

/**
 * Split brain on real parts: the inference instance judging hall h1 (W-A, staffed) is paused with
 * SIGSTOP past its lease TTL while the other takes h1 over, then resumed with SIGCONT. It stops
 * judging before anyone else may take the lease, so no two owners write: the saved state's
 * fencing token and the lease every presence event was published under never go back. The pause
 * shows as unknown, never as an absence.
 */
describe('inference: an instance paused past its lease', () => {
  let stack: TwoInstances;
  let inference: Map<string, RunningService>;
  let events: EventLog;
  let mongodbUri: string;
  const owners = () => stack.owners();

  beforeAll(async () => {
    stack = await startTwoInstances('inference_pause');
    ({ inference, events, mongodbUri } = stack);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('stops judging before the other takes over, no two owners write, and no absence is invented', async () => {
    const [paused, survivor] = await eventually(
      async () => {
        const held = await owners();
        const staffed = intervals(await events.presence('W-A')).pop()?.state === 'staffed';
        return held.every(Boolean) && new Set(held).size === 2 && staffed ? [held[0]!, held[1]!] : undefined;
      },
      90000,
      1000,
    );
    const before = (await monitorStates(mongodbUri)).get('h1')!;
    expect(before.owner).toBe(paused);

    // The saved state of h1, as seen every 200 ms from now on.
    const seen: { owner?: string; fence?: number }[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const s = (await monitorStates(mongodbUri)).get('h1');
        if (s && (seen.length === 0 || seen[seen.length - 1].fence !== s.fence)) seen.push({ owner: s.owner, fence: s.fence });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();

    const pausedProcess = inference.get(paused)!;
    pausedProcess.process.kill('SIGSTOP');
    const pausedAt = Date.now();
    const takenOver = `hall h1: monitored by instance ${survivor}`;
    await eventually(async () => (inference.get(survivor)!.output().includes(takenOver) ? true : undefined), 60000);
    const takenAt = Date.now();

    const outputBefore = pausedProcess.output().length;
    pausedProcess.process.kill('SIGCONT');
    const resumedAt = Date.now();
    const stopped = /h1: lease not renewed in time|hall h1: judging stopped|hall h1: no longer monitored/;
    await eventually(async () => (stopped.test(pausedProcess.output().slice(outputBefore)) ? true : undefined), 30000);
    const stoppedAt = Date.now();

    // W-A is judged again by the survivor: staffed after the pause.
    await eventually(
      async () => {
        const now = intervals(await events.presence('W-A')).pop();
        return now?.state === 'staffed' && now.from > pausedAt ? true : undefined;
      },
      60000,
      1000,
    );
    const recoveredAt = Date.now();
    await new Promise((r) => setTimeout(r, 5000)); // whatever the woken instance still had in hand
    polling = false;
    await poller;

    // No two owners write: the fencing token of the saved state never goes back, each token is one
    // owner's, and the survivor wrote under a later one than the paused instance's.
    const fences = seen.map((s) => s.fence!);
    expect(fences).toEqual([...fences].sort((x, y) => x - y));
    const ownerOf = new Map<number, string>();
    for (const s of seen) expect(ownerOf.set(s.fence!, ownerOf.get(s.fence!) ?? s.owner!).get(s.fence!)).toBe(s.owner);
    expect(seen.some((s) => s.owner === survivor && s.fence! > before.fence!)).toBe(true);

    // The presence events of W-A, in stream order, name the lease they were published under: its
    // token never goes back, and none under the paused instance's old lease came after the take-over.
    const stored = await events.presenceStored('W-A');
    const tokens = stored.map((m) => Number(m.lease!.split(':')[1]));
    expect(stored.every((m) => m.lease !== undefined)).toBe(true);
    expect(tokens).toEqual([...tokens].sort((x, y) => x - y));
    const late = stored.filter((m) => m.lease === `${paused}:${before.fence}` && m.storedAt >= takenAt);
    expect(late).toEqual([]);

    // No absence invented: W-A was staffed throughout; the pause is unknown.
    const timeline = intervals(await events.presence('W-A'));
    expect(timeline.map((i) => i.state)).not.toContain('absent');
    expect(timeline.find((i) => i.from <= pausedAt + 2000 && pausedAt + 2000 < i.to)?.state).toBe('unknown');
    expect((await events.incidents()).filter((i) => i.windowId === 'W-A')).toEqual([]);

    const all = [...(await events.presence('W-A')), ...(await events.presence('W-E'))];
    const ledger = await presenceLedger(all, mongodbUri);
    expect(ledger).toMatchObject({ lost: 0, duplicated: 0 });
    expect(ledger.records).toBe(ledger.events);
    console.log(
      `lease-pause figures: presence events ${ledger.events} -> intervals ${ledger.records} (lost ${ledger.lost}, duplicated ${ledger.duplicated}); ` +
        `taken over ${Math.round((takenAt - pausedAt) / 1000)} s after SIGSTOP; woken instance stopped ${((stoppedAt - resumedAt) / 1000).toFixed(1)} s after SIGCONT; ` +
        `W-A staffed again ${Math.round((recoveredAt - pausedAt) / 1000)} s after SIGSTOP; state tokens seen ${seen.map((s) => `${s.owner}:${s.fence}`).join(' ')}`,
    );
  });
});
