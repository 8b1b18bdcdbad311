import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * An HTML page printed to PDF by headless Chromium (the page's own @page size and margins, no
 * header or footer). The page is written to a private temporary directory and removed after.
 */
export async function printPdf(html: string, chromiumPath: string): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hallwatch-pdf-'));
  try {
    const page = path.join(dir, 'page.html');
    const out = path.join(dir, 'page.pdf');
    await fs.writeFile(page, html);
    await run(
      chromiumPath,
      [
        '--headless',
        // Chromium's sandbox refuses to start as root, which services in containers often are.
        '--no-sandbox',
        '--disable-gpu',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--no-pdf-header-footer',
        `--print-to-pdf=${out}`,
        `file://${page}`,
      ],
      { timeout: 60_000 },
    ).catch((err: Error & { stderr?: string }) => {
      throw new Error(`printing the PDF with ${chromiumPath} failed: ${err.message}`);
    });
    return await fs.readFile(out);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
