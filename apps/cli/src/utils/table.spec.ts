import { formatTable } from './table';

describe('formatTable', () => {
  it('pads each column to its widest cell, counting characters, not bytes', () => {
    expect(
      formatTable(
        ['camera', 'result'],
        [
          ['cam-1', 'ok'],
          ['门厅-long', 'FAIL: 404'],
        ],
      ),
    ).toBe(['camera   result', 'cam-1    ok', '门厅-long  FAIL: 404'].join('\n'));
  });

  it('prints the header alone when there are no rows', () => {
    expect(formatTable(['a', 'b'], [])).toBe('a  b');
  });
});
