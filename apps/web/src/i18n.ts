import { createI18n } from 'vue-i18n';

const zh = {
  app: { title: '窗口在岗监管', logout: '退出', language: 'English' },
  nav: { board: '实时看板', wall: '大屏', incidents: '事件督查', stats: '效能统计', zones: '划区' },
  role: { admin: '管理员', hall_manager: '大厅负责人', supervisor: '督查人员', evaluator: '考核人员' },
  login: {
    title: '登录', username: '用户名', password: '密码', submit: '登录',
    failed: '用户名或密码错误', expired: '登录已过期，请重新登录', required: '请先登录', signedOut: '已退出登录',
  },
  state: { staffed: '在岗', absent: '离岗', unknown: '未知', closed: '非工作时间' },
  common: {
    loading: '加载中…', empty: '暂无数据', error: '加载失败：{message}', network: '无法连接服务器', retry: '重试',
    all: '全部', search: '查询', cancel: '取消', minutes: '分钟', none: '无',
  },
  board: {
    staffedCount: '在岗窗口 {n} / 最少 {min}', belowMin: '低于最少在岗窗口数', openIncidents: '进行中的事件（{n}）',
    noIncidents: '无进行中的事件', staff: '在册人员：{names}', since: '持续 {d}', notSeen: '尚未观测',
    camera: '摄像头 {id}', snapshotAt: '画面时间 {t}', refresh: '刷新画面', live: '实时推送已连接', offline: '实时推送中断，正在重连…',
    noHalls: '没有可查看的大厅',
  },
  wall: { exit: '退出大屏', next: '下一个大厅', fullscreen: '全屏' },
  incident: {
    queue: '事件队列', kind: '类型', window: '窗口', hall: '大厅', staff: '在册人员', status: '状态',
    opened: '开始', closed: '结束', duration: '持续', evidence: '证据画面', audit: '审核记录', noAudit: '尚未审核',
    confirm: '确认', dismiss: '驳回', reason: '理由', reasonRequired: '请填写理由', decide: '提交',
    readOnly: '只读：仅督查人员和管理员可审核', keys: '快捷键：J 下一条，K 上一条，C 确认，D 驳回',
    from: '开始日期', to: '结束日期', back: '返回队列', saved: '已保存审核结论', ongoing: '进行中',
    role: { 'last-staffed': '最后在岗', threshold: '判定时刻', end: '结束时刻' } as Record<string, string>,
  },
  kind: { absence: '离岗', 'late-opening': '迟到', 'early-leave': '早退', 'staffing-gap': '缺员', 'camera-offline': '摄像头离线' } as Record<string, string>,
  status: { open: '进行中', closed: '待复核', confirmed: '已确认', dismissed: '已驳回' } as Record<string, string>,
  stats: {
    period: '统计周期', groupBy: '分组', hall: '大厅', attendance: '出勤', throughput: '办件',
    download: '下载 {format}', rateChart: '各组出勤率', heatChart: '离岗事件（星期 × 小时）',
    scatterChart: '每在岗小时办件量与出勤率', onTimeChart: '限时办结率', weekdays: '周一,周二,周三,周四,周五,周六,周日',
  },
  group: { window: '窗口', staff: '人员', department: '部门', hall: '大厅', township: '乡镇中心' } as Record<string, string>,
  col: {
    scheduledHours: '应在岗时长(小时)', staffedHours: '在岗时长(小时)', unknownHours: '无法判断时长(小时)', attendanceRate: '出勤率',
    absentPeriods: '离岗时段数', absenceMinutes: '离岗时长(分钟)', absenceIncidents: '离岗事件', lateOpeningIncidents: '迟到事件',
    earlyLeaveIncidents: '早退事件', staffingGapIncidents: '缺员事件', cameraOfflineIncidents: '摄像头离线事件', incidentsOpen: '未结束事件',
    incidentsClosed: '待复核事件', incidentsConfirmed: '已确认事件', incidentsDismissed: '已驳回事件', casesHandled: '办件量',
    casesPerStaffedHour: '每在岗小时办件量', medianHandlingMinutes: '办理时长中位数(分钟)', p90HandlingMinutes: '办理时长90分位(分钟)',
    medianWaitMinutes: '等候时长中位数(分钟)', onTimeRate: '限时办结率', medianWaitDuringAbsenceMinutes: '离岗期间取号等候中位数(分钟)',
    medianWaitOtherwiseMinutes: '其他等候中位数(分钟)',
  } as Record<string, string>,
  zones: {
    camera: '摄像头', window: '窗口', hint: '点击画面添加顶点，拖动顶点调整，右键删除顶点', clear: '清空',
    yaml: '站点文件中的 zone 配置', copy: '复制 YAML', copied: '已复制', points: '{n} 个顶点', needPoints: '至少需要 3 个顶点',
    current: '当前配置的区域', occupancy: '所画区域当前', occupied: '有人', free: '无人', confidence: '置信度',
    unjudgeable: '画面过暗或无纹理，无法判断',
  },
};

type Messages = typeof zh;

const en: Messages = {
  app: { title: 'Window presence', logout: 'Sign out', language: '中文' },
  nav: { board: 'Live board', wall: 'Wall', incidents: 'Incidents', stats: 'Statistics', zones: 'Zones' },
  role: { admin: 'Administrator', hall_manager: 'Hall manager', supervisor: 'Supervisor', evaluator: 'Evaluator' },
  login: {
    title: 'Sign in', username: 'Username', password: 'Password', submit: 'Sign in',
    failed: 'Wrong username or password', expired: 'Your session expired; please sign in again', required: 'Please sign in first', signedOut: 'Signed out',
  },
  state: { staffed: 'Staffed', absent: 'Absent', unknown: 'Unknown', closed: 'Closed' },
  common: {
    loading: 'Loading…', empty: 'No data', error: 'Could not load: {message}', network: 'Cannot reach the server', retry: 'Retry',
    all: 'All', search: 'Search', cancel: 'Cancel', minutes: 'min', none: 'none',
  },
  board: {
    staffedCount: 'Staffed windows {n} / minimum {min}', belowMin: 'Below the minimum of staffed windows', openIncidents: 'Open incidents ({n})',
    noIncidents: 'No open incidents', staff: 'On roster: {names}', since: 'for {d}', notSeen: 'not observed yet',
    camera: 'Camera {id}', snapshotAt: 'Frame of {t}', refresh: 'Refresh frame', live: 'Live updates connected', offline: 'Live updates interrupted, reconnecting…',
    noHalls: 'No halls to show',
  },
  wall: { exit: 'Leave wall mode', next: 'Next hall', fullscreen: 'Full screen' },
  incident: {
    queue: 'Queue', kind: 'Kind', window: 'Window', hall: 'Hall', staff: 'On roster', status: 'Status',
    opened: 'Opened', closed: 'Closed', duration: 'Duration', evidence: 'Evidence frames', audit: 'Audit trail', noAudit: 'Not reviewed yet',
    confirm: 'Confirm', dismiss: 'Dismiss', reason: 'Reason', reasonRequired: 'A reason is required', decide: 'Submit',
    readOnly: 'Read only: supervisors and administrators review', keys: 'Keys: J next, K previous, C confirm, D dismiss',
    from: 'From', to: 'To', back: 'Back to the queue', saved: 'Decision saved', ongoing: 'ongoing',
    role: { 'last-staffed': 'Last staffed', threshold: 'Decided', end: 'End' },
  },
  kind: { absence: 'Absence', 'late-opening': 'Late opening', 'early-leave': 'Early leave', 'staffing-gap': 'Staffing gap', 'camera-offline': 'Camera offline' },
  status: { open: 'Open', closed: 'To review', confirmed: 'Confirmed', dismissed: 'Dismissed' },
  stats: {
    period: 'Period', groupBy: 'Group by', hall: 'Hall', attendance: 'Attendance', throughput: 'Throughput',
    download: 'Download {format}', rateChart: 'Attendance rate', heatChart: 'Absences (weekday × hour)',
    scatterChart: 'Cases per staffed hour against attendance', onTimeChart: 'On-time rate', weekdays: 'Mon,Tue,Wed,Thu,Fri,Sat,Sun',
  },
  group: { window: 'Window', staff: 'Staff', department: 'Department', hall: 'Hall', township: 'Township centre' },
  col: {
    scheduledHours: 'Scheduled hours', staffedHours: 'Staffed hours', unknownHours: 'Unknown hours', attendanceRate: 'Attendance rate',
    absentPeriods: 'Absent periods', absenceMinutes: 'Absence minutes', absenceIncidents: 'Absence incidents', lateOpeningIncidents: 'Late-opening incidents',
    earlyLeaveIncidents: 'Early-leave incidents', staffingGapIncidents: 'Staffing-gap incidents', cameraOfflineIncidents: 'Camera-offline incidents', incidentsOpen: 'Incidents open',
    incidentsClosed: 'Incidents to review', incidentsConfirmed: 'Incidents confirmed', incidentsDismissed: 'Incidents dismissed', casesHandled: 'Cases handled',
    casesPerStaffedHour: 'Cases per staffed hour', medianHandlingMinutes: 'Median handling minutes', p90HandlingMinutes: 'P90 handling minutes',
    medianWaitMinutes: 'Median wait minutes', onTimeRate: 'On-time rate', medianWaitDuringAbsenceMinutes: 'Median wait, ticket during absence',
    medianWaitOtherwiseMinutes: 'Median wait, other tickets',
  },
  zones: {
    camera: 'Camera', window: 'Window', hint: 'Click the frame to add a point, drag to move, right-click to delete', clear: 'Clear',
    yaml: 'zone for the site file', copy: 'Copy YAML', copied: 'Copied', points: '{n} points', needPoints: 'At least 3 points are needed',
    current: 'Zone in the site file', occupancy: 'Drawn zone now', occupied: 'occupied', free: 'empty', confidence: 'confidence',
    unjudgeable: 'the frame is too dark or flat to judge',
  },
};

const LOCALE_KEY = 'hallwatch.locale';

export const i18n = createI18n({
  legacy: false,
  locale: localStorage.getItem(LOCALE_KEY) === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
});

export function toggleLocale(): void {
  const next = i18n.global.locale.value === 'en' ? 'zh-CN' : 'en';
  i18n.global.locale.value = next;
  localStorage.setItem(LOCALE_KEY, next);
  document.documentElement.lang = next;
}
