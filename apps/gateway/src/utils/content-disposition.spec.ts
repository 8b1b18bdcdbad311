import { attachment } from './content-disposition';

describe('Content-Disposition of a download', () => {
  it('names the file in UTF-8 (RFC 5987) and in ASCII for older clients', () => {
    expect(attachment('效能考核_按窗口_2024-03-01至2024-03-31.xlsx', 'evaluation-window-2024-03-01-2024-03-31.xlsx')).toBe(
      `attachment; filename="evaluation-window-2024-03-01-2024-03-31.xlsx"; ` +
        `filename*=UTF-8''%E6%95%88%E8%83%BD%E8%80%83%E6%A0%B8_%E6%8C%89%E7%AA%97%E5%8F%A3_2024-03-01%E8%87%B32024-03-31.xlsx`,
    );
  });

  it("escapes what RFC 5987 keeps out of a value (' ( ) *), and keeps quotes out of the ASCII name", () => {
    const header = attachment(`a'b (1)*.csv`, 'say "hi"\\.csv');
    expect(header).toBe(`attachment; filename="say _hi__.csv"; filename*=UTF-8''a%27b%20%281%29%2A.csv`);
    expect(decodeURIComponent(header.split("UTF-8''")[1])).toBe(`a'b (1)*.csv`);
  });
});
