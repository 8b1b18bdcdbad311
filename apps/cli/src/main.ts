import 'reflect-metadata';
import { Command } from 'commander';
import { registerAnalyzeCommand } from './commands/analyze.command';
import { registerAuditCommand } from './commands/audit.command';
import { registerBackupCommand } from './commands/backup.command';
import { registerCamerasCommand } from './commands/cameras.command';
import { registerDeadLettersCommand } from './commands/deadletters.command';
import { registerImportCommand } from './commands/import.command';
import { registerMigrateCommand } from './commands/migrate.command';
import { registerReportCommand } from './commands/report.command';
import { registerRestoreCommand } from './commands/restore.command';
import { registerSiteCommand } from './commands/site.command';
import { registerStartCommand } from './commands/start.command';
import { registerUsersCommand } from './commands/users.command';

const program = new Command('hallwatch').description('Hallwatch: staffing of service windows from their cameras').showHelpAfterError();

registerAnalyzeCommand(program);
registerAuditCommand(program);
registerBackupCommand(program);
registerCamerasCommand(program);
registerDeadLettersCommand(program);
registerImportCommand(program);
registerMigrateCommand(program);
registerReportCommand(program);
registerRestoreCommand(program);
registerSiteCommand(program);
registerStartCommand(program);
registerUsersCommand(program);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`hallwatch: ${err.message}`);
  process.exit(1);
});
