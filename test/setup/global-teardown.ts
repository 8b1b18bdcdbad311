import * as fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__HALLWATCH_E2E__ as { processes: ChildProcess[]; dataDir: string };
  if (!state) return;
  for (const p of state.processes.filter(Boolean)) {
    p.kill('SIGTERM');
    p.stdout?.destroy();
    p.stderr?.destroy();
    p.unref();
  }
  await new Promise((r) => setTimeout(r, 300));
  fs.rmSync(state.dataDir, { recursive: true, force: true });
}
