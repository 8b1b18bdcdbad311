import type { Site } from './api';
import { orderActions, targetText } from './supervision';

describe('督办 page helpers', () => {
  it('offers the response to the hall manager while the order waits for the hall, the verification to the bureau once responded', () => {
    expect(orderActions('issued', 'hall_manager')).toEqual({ respond: true, verify: false });
    expect(orderActions('returned', 'hall_manager')).toEqual({ respond: true, verify: false });
    expect(orderActions('overdue', 'hall_manager')).toEqual({ respond: true, verify: false });
    expect(orderActions('responded', 'hall_manager')).toEqual({ respond: false, verify: false });
    expect(orderActions('responded', 'supervisor')).toEqual({ respond: false, verify: true });
    expect(orderActions('responded', 'admin')).toEqual({ respond: false, verify: true });
    expect(orderActions('issued', 'supervisor')).toEqual({ respond: false, verify: false });
    expect(orderActions('verified', 'admin')).toEqual({ respond: false, verify: false });
    expect(orderActions('responded', 'evaluator')).toEqual({ respond: false, verify: false });
  });

  it('names the target by the site', () => {
    const site = {
      timezone: 'Asia/Shanghai',
      halls: [{ id: 'h1', name: '区大厅', kind: 'hall', minStaffedWindows: 1 }],
      cameras: [],
      windows: [{ id: 'W01', hallId: 'h1', name: '1号窗口', department: '区市场监管局' }],
    } as unknown as Site;
    expect(targetText({ window: 'W01' }, site)).toBe('1号窗口（区市场监管局）');
    expect(targetText({ window: 'W09' }, site)).toBe('W09');
    expect(targetText({ hall: 'h1' }, site)).toBe('区大厅');
    expect(targetText({ department: '区公安分局' }, null)).toBe('区公安分局');
  });
});
