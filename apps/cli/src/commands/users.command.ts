import { Command } from 'commander';
import { hashPassword } from '@hallwatch/runtime';

/** `hallwatch users hash-password`: makes the passwordHash of a site-file user. */
export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('manage the users of the site file');
  users
    .command('hash-password')
    .description('read a password from standard input and print its hash for the site file')
    .action(async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/\r?\n$/, '');
      if (!password) throw new Error('users hash-password: no password on standard input');
      console.log(await hashPassword(password));
    });
}
