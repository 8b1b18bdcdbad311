/**
 * @hallwatch/stats — the statistics of reporting as plain TypeScript (no Nest, no I/O):
 * - figures: additive per-window figures (attendance from schedule × presence via
 *   @hallwatch/domain, throughput from cases) that roll up from days to any period;
 * - histogram / quantile: medians and p90 summed from per-day histograms (1-minute resolution);
 * - report: grouping by window, staff, department, hall or township centre, and report rows;
 * - table: the tables as CSV and XLSX documents, with the console's columns (libs/contracts
 *   stats-columns); case-row / complaint-row: CSV row validation;
 * - case-csv: reading a case export (UTF-8 or GB18030/GBK, refused with the line otherwise);
 * - leave-row: reading a leave export the same way;
 * - calendar: local dates and days in a time zone.
 * - evaluation: the annual efficiency table's score (site key evaluation.weights) and ranks.
 * - demo-history: the demo's month of history (`npm start`), deterministic from a seed.
 */
export * from './calendar';
export * from './case-csv';
export * from './case-row';
export * from './complaint-row';
export * from './demo-history';
export * from './evaluation';
export * from './figures';
export * from './histogram';
export * from './leave-row';
export * from './notice';
export * from './notice-document';
export * from './quantile';
export * from './report';
export * from './table';
export * from './waiting';
