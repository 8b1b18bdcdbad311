import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * Another PC on a network of its own: a network namespace joined to this machine by a veth pair
 * on a /30 of 198.51.100.0/24 (TEST-NET-2, which no interface here uses). This machine's own
 * interfaces, addresses and routes are never touched; `remove()` deletes the namespace, and with
 * it both ends of the pair.
 */
export interface OtherHost {
  /** The namespace's name, for `ip netns exec`. */
  namespace: string;
  /** This machine's address as the other host sees it (the host end of the veth pair). */
  serverAddress: string;
  /** The other host's own address. */
  address: string;
  /** The argv prefix that runs a command on the other host. */
  exec: readonly string[];
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

export function makeOtherHost(): OtherHost {
  const used = ip('-4', '-o', 'addr');
  // A /30 no interface uses yet, so parallel runs on one machine do not meet.
  const free = (block: number) => !used.includes(`198.51.100.${block + 1}/`) && !used.includes(`198.51.100.${block + 2}/`);
  const blocks = Array.from({ length: 62 }, (_, i) => 4 * (i + 1)).filter(free);
  if (blocks.length === 0) throw new Error('no free /30 left in 198.51.100.0/24 for another test host');
  const block = blocks[Math.floor(Math.random() * blocks.length)];
  const id = randomBytes(3).toString('hex');
  const namespace = `hw-pc-${id}`;
  const [hostEnd, peerEnd] = [`hw${id}h`, `hw${id}p`];
  const serverAddress = `198.51.100.${block + 1}`;
  const address = `198.51.100.${block + 2}`;
  const remove = () => {
    try {
      ip('netns', 'del', namespace);
    } catch {
      // not made, or already gone
    }
    try {
      ip('link', 'del', hostEnd);
    } catch {
      // went with the namespace
    }
  };
  try {
    ip('netns', 'add', namespace);
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', peerEnd);
    ip('link', 'set', peerEnd, 'netns', namespace);
    ip('addr', 'add', `${serverAddress}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('-n', namespace, 'addr', 'add', `${address}/30`, 'dev', peerEnd);
    ip('-n', namespace, 'link', 'set', peerEnd, 'up');
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw new Error(`cannot make a network namespace for the other host (needs root and iproute2): ${(err as Error).message}`, {
      cause: err,
    });
  }
  return { namespace, serverAddress, address, exec: ['ip', 'netns', 'exec', namespace], remove };
}
