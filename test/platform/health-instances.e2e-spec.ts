import type { HealthReport } from '@hallwatch/runtime';
import { startTwoInstances, TwoInstances } from '../inference/inference-harness';
import { Api, PASSWORD } from '../support/faults';
import { eventually, freePort, RunningService, startService } from '../support/e2e';

interface Hall {
  hall: string;
  judgedAt: string | null;
  takenAt: string;
}
interface Camera {
  camera: string;
  status: string | null;
  lastFrameAt: string | null;
}
interface Health {
  services: Record<string, { status: string; instances: (HealthReport & { halls?: Hall[]; cameras?: Camera[] })[] }>;
}

/**
 * GET /api/health hears from every instance of every service, each answering for itself: two
 * inference instances on real cameras, ingestion, NATS and the database, each listed with the hall
 * it holds and when it last judged it; a paused one and a killed one are missing, not waited for.
 */
describe('GET /api/health: every instance of every service', () => {
  let two: TwoInstances;
  let gateway: RunningService;
  let api: Api;

  const health = async () => (await api.get<Health>('/api/health')).body;
  const hallsBy = (h: Health) =>
    Object.fromEntries(h.services.inference.instances.map((i) => [i.instance, (i.halls ?? []).map((x) => x.hall).sort()]));

  beforeAll(async () => {
    two = await startTwoInstances('health_instances');
    const port = await freePort();
    gateway = await startService('gateway', {
      ...two.env,
      PORT: String(port),
      HALLWATCH_JWT_SECRET: 'e2e-health-instances',
      HALLWATCH_ADMIN_PASSWORD: PASSWORD,
    });
    api = await Api.login(`http://127.0.0.1:${port}`);
  }, 240_000);

  afterAll(async () => {
    await gateway?.stop();
    await two?.stop();
  });

  it('lists both inference instances with their halls and judged times, and ingestion with its cameras', async () => {
    const since = Date.now();
    // Each instance takes one of the two halls (fair share); each hall then has a judged frame.
    const seen = await eventually(
      async () => {
        const h = await health();
        const instances = h.services.inference.instances;
        const judged = instances.every((i) => i.halls?.length === 1 && i.halls[0].judgedAt !== null);
        return instances.length === 2 && judged ? h : undefined;
      },
      120_000,
      1000,
    );
    const [h1Owner, h2Owner] = await two.owners();
    // The halls each instance names are those the lease bucket says it holds.
    expect(hallsBy(seen)).toEqual({ [h1Owner!]: ['h1'], [h2Owner!]: ['h2'] });
    expect(Object.keys(hallsBy(seen)).sort()).toEqual(['inf-a', 'inf-b']);
    for (const i of seen.services.inference.instances) {
      expect(i.database).toBe('ok');
      expect(Date.parse(i.halls![0].judgedAt!)).toBeGreaterThan(since - 120_000);
    }
    expect(seen.services.inference.status).toBe('ok');
    const [ingestion] = seen.services.ingestion.instances;
    expect(seen.services.ingestion.instances).toHaveLength(1);
    expect(ingestion.cameras!.map((c) => c.camera).sort()).toEqual(['cam-empty', 'cam-seated']);
    for (const c of ingestion.cameras!) expect(c.lastFrameAt).not.toBeNull();
  }, 150_000);

  it('a paused instance is missing at once, a killed one stays missing, and the survivor takes its hall', async () => {
    const victim = two.inference.get('inf-b')!;
    victim.process.kill('SIGSTOP');
    // The request does not wait for the paused instance: it answers, with inf-a alone.
    expect(Object.keys(hallsBy(await health()))).toEqual(['inf-a']);
    victim.process.kill('SIGKILL');
    expect(Object.keys(hallsBy(await health()))).toEqual(['inf-a']);
    // Its hall's lease runs out and inf-a takes it.
    const taken = await eventually(
      async () => {
        const h = await health();
        return hallsBy(h)['inf-a']?.length === 2 ? h : undefined;
      },
      90_000,
      1000,
    );
    expect(hallsBy(taken)).toEqual({ 'inf-a': ['h1', 'h2'] });
  }, 120_000);
});
