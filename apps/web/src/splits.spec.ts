import { joinOutageSplits, type Outage, type Part } from './splits';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 1, minute)).toISOString();
const absence = (id: string, windowId: string, from: number, to?: number): Part => ({
  id,
  kind: 'absence',
  windowId,
  openedAt: at(from),
  closedAt: to === undefined ? undefined : at(to),
});
const outage = (cameraId: string, from: number, to?: number): Outage => ({
  cameraId,
  openedAt: at(from),
  closedAt: to === undefined ? undefined : at(to),
});
const cameraOf = (windowId: string) => ({ W05: 'cam-1', W01: 'cam-1', T01: 'cam-2' })[windowId];
const ids = (groups: Part[][]) => groups.map((g) => g.map((p) => p.id));

describe('one absence cut by camera outages', () => {
  it('is one group of its parts, oldest first, where its newest part is listed', () => {
    // Newest first, as the list gives them; W05 absent from 0 to 25, its camera down 5–8 and 14–20.
    const rows = [absence('c', 'W05', 20, 25), absence('other', 'T01', 15, 30), absence('b', 'W05', 8, 14), absence('a', 'W05', 0, 5)];
    const groups = joinOutageSplits(rows, [outage('cam-1', 5, 8), outage('cam-1', 14, 20)], cameraOf);
    expect(ids(groups)).toEqual([['a', 'b', 'c'], ['other']]);
  });

  it('keeps apart what a gap without an outage, another camera or another window separates', () => {
    const rows = [absence('b', 'W05', 30, 40), absence('a', 'W05', 0, 5), absence('t', 'T01', 6, 9)];
    // cam-1 was down 5–8 only: W05 was seen (staffed) between 8 and 30; T01 is on cam-2.
    expect(ids(joinOutageSplits(rows, [outage('cam-1', 5, 8), outage('cam-2', 20, 25)], cameraOf))).toEqual([['b'], ['a'], ['t']]);
    // An outage of W01's camera joins W05 only through W05's camera: the same here, but never another window's absence.
    const twoWindows = [absence('w01', 'W01', 9, 12), absence('w05', 'W05', 0, 5)];
    expect(ids(joinOutageSplits(twoWindows, [outage('cam-1', 5, 9)], cameraOf))).toEqual([['w01'], ['w05']]);
  });

  it('joins across outages that follow one another, and onto a part still open', () => {
    const rows = [absence('b', 'W05', 12), absence('a', 'W05', 0, 3)];
    expect(ids(joinOutageSplits(rows, [outage('cam-1', 3, 7), outage('cam-1', 8, 11)], cameraOf))).toEqual([['a', 'b']]);
  });
});
