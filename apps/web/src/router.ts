import { watch } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import { whenExpired } from './api';
import { hasRole, isSignedIn, openWall, session, signOut, type Role } from './session';
import BoardView from './views/BoardView.vue';
import LoginView from './views/LoginView.vue';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    roles?: Role[];
  }
}

// The board is in the first bundle; every other page (and ECharts with the statistics) loads on demand.
export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
    { path: '/', name: 'board', component: BoardView },
    { path: '/wall', name: 'wall', component: () => import('./views/WallView.vue') },
    { path: '/incidents', name: 'incidents', component: () => import('./views/IncidentsView.vue') },
    { path: '/incidents/:id', name: 'incident', component: () => import('./views/IncidentView.vue'), props: true },
    { path: '/stats', name: 'stats', component: () => import('./views/StatsView.vue') },
    {
      path: '/records',
      name: 'records',
      component: () => import('./views/RecordsView.vue'),
      meta: { roles: ['admin', 'supervisor', 'hall_manager'] },
    },
    { path: '/supervision', name: 'supervision', component: () => import('./views/SupervisionView.vue') },
    { path: '/supervision/orders/:id', name: 'order', component: () => import('./views/OrderView.vue'), props: true },
    { path: '/zones', name: 'zones', component: () => import('./views/ZonesView.vue'), meta: { roles: ['admin'] } },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach((to) => {
  // /wall?key=...: the key is taken once and kept, and leaves the address bar (and the history).
  if (to.name === 'wall' && typeof to.query.key === 'string' && to.query.key) {
    openWall(to.query.key);
    return { name: 'wall', replace: true };
  }
  if (to.meta.public) return true;
  if (!isSignedIn()) {
    if (session.current) signOut('login.expired');
    else if (!session.notice) session.notice = 'login.required';
    return { name: 'login', query: { next: to.fullPath } };
  }
  // A wall key opens the wall and nothing else.
  if (hasRole('wall') && to.name !== 'wall') return { name: 'wall' };
  if (to.meta.roles && !to.meta.roles.some((r) => hasRole(r))) return { name: 'board' };
  return true;
});

whenExpired(() => void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } }));

// A token that runs out while the page is open sends the user to the login page, with the reason.
let expiry: ReturnType<typeof setTimeout> | undefined;
watch(
  () => session.current,
  (current) => {
    clearTimeout(expiry);
    if (!current || current.role === 'wall') return;
    expiry = setTimeout(
      () => {
        signOut('login.expired');
        void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } });
      },
      Math.min(current.expiresAt - Date.now(), 2 ** 31 - 1),
    );
  },
  { immediate: true },
);
