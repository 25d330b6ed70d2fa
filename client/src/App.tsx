import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { isRestoring, logout, subscribeSession } from './api';
import { hasFlashFor, subscribeFlash, takeFlash } from './flash';
import { useSession } from './hooks';
import { AuditPage } from './pages/AuditPage';
import { ClaimHistoryPage } from './pages/ClaimHistoryPage';
import { ClaimPage } from './pages/ClaimPage';
import { ClaimsPage } from './pages/ClaimsPage';
import { LoginPage } from './pages/LoginPage';
import { NotAllowed, NotFound } from './pages/NotAllowed';
import { QualityPage } from './pages/QualityPage';
import { QueuePage } from './pages/QueuePage';
import { SearchPage } from './pages/SearchPage';
import { SupervisorPage } from './pages/SupervisorPage';
import { HeaderSearch } from './components/HeaderSearch';
import { ErasurePage } from './pages/retention/ErasurePage';
import { LegalHoldsPage } from './pages/retention/LegalHoldsPage';
import { PurgesPage } from './pages/retention/PurgesPage';
import { ReceiptsPage } from './pages/retention/ReceiptsPage';
import { RetentionPoliciesPage } from './pages/retention/RetentionPoliciesPage';
import { TaskPage } from './pages/TaskPage';
import { AccessReviewPage } from './pages/identity/AccessReviewPage';
import { AccountPage } from './pages/identity/AccountPage';
import { ClientsPage } from './pages/identity/ClientsPage';
import { SetPasswordPage } from './pages/identity/SetPasswordPage';
import { UsersPage } from './pages/identity/UsersPage';
import { AUDIT_ROLES, CLAIM_ROLES, QUALITY_ROLES, RETENTION_ROLES, REVIEW_ROLES, homeFor } from './roles';
import { ACCESS_REVIEW_ROLES, ALL_ROLES, PEOPLE_ROLES } from './roles';
import { Link, matchPath, navigate, useLocation } from './router';
import type { Role } from './api/types';

interface Route {
  pattern: string;
  roles: Role[];
  title: string;
  render: (params: Record<string, string>) => ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/tasks', roles: REVIEW_ROLES, title: 'My tasks', render: () => <QueuePage scope="mine" /> },
  { pattern: '/queue', roles: REVIEW_ROLES, title: 'Team queue', render: () => <QueuePage scope="queue" /> },
  { pattern: '/tasks/:id', roles: REVIEW_ROLES, title: 'Task', render: (params) => <TaskPage taskId={params.id} /> },
  { pattern: '/claims', roles: ['compliance', 'investigator'], title: 'Claims', render: () => <ClaimsPage /> },
  { pattern: '/claims/:id', roles: CLAIM_ROLES, title: 'Claim', render: (params) => <ClaimPage claimId={params.id} /> },
  { pattern: '/audit', roles: AUDIT_ROLES, title: 'Audit log', render: () => <AuditPage /> },
  {
    pattern: '/audit/claims/:id',
    roles: AUDIT_ROLES,
    title: 'Claim history',
    render: (params) => <ClaimHistoryPage claimId={params.id} />,
  },
  { pattern: '/quality', roles: QUALITY_ROLES, title: 'Model quality', render: () => <QualityPage /> },
  {
    pattern: '/retention',
    roles: RETENTION_ROLES,
    title: 'Retention policies',
    render: () => <RetentionPoliciesPage />,
  },
  { pattern: '/retention/holds', roles: RETENTION_ROLES, title: 'Legal holds', render: () => <LegalHoldsPage /> },
  { pattern: '/retention/purges', roles: RETENTION_ROLES, title: 'Upcoming purges', render: () => <PurgesPage /> },
  { pattern: '/retention/receipts', roles: RETENTION_ROLES, title: 'Purge receipts', render: () => <ReceiptsPage /> },
  { pattern: '/retention/erasure', roles: RETENTION_ROLES, title: 'Erasure requests', render: () => <ErasurePage /> },
  { pattern: '/search', roles: CLAIM_ROLES, title: 'Search claims', render: () => <SearchPage /> },
  { pattern: '/supervisor', roles: ['supervisor'], title: 'Supervisor', render: () => <SupervisorPage /> },
  { pattern: '/users', roles: PEOPLE_ROLES, title: 'People', render: () => <UsersPage /> },
  { pattern: '/clients', roles: PEOPLE_ROLES, title: 'Intake clients', render: () => <ClientsPage /> },
  { pattern: '/access-review', roles: ACCESS_REVIEW_ROLES, title: 'Access review', render: () => <AccessReviewPage /> },
  { pattern: '/account', roles: ALL_ROLES, title: 'Your account', render: () => <AccountPage /> },
];

const NAV: Array<{ to: string; label: string; roles: Role[] }> = [
  { to: '/tasks', label: 'My tasks', roles: REVIEW_ROLES },
  { to: '/queue', label: 'Team queue', roles: REVIEW_ROLES },
  { to: '/claims', label: 'Claims', roles: ['compliance', 'investigator'] },
  { to: '/audit', label: 'Audit log', roles: AUDIT_ROLES },
  { to: '/retention', label: 'Retention', roles: RETENTION_ROLES },
  { to: '/quality', label: 'Quality', roles: QUALITY_ROLES },
  { to: '/supervisor', label: 'Supervisor', roles: ['supervisor'] },
  { to: '/users', label: 'People', roles: PEOPLE_ROLES },
  { to: '/clients', label: 'Intake clients', roles: PEOPLE_ROLES },
  { to: '/access-review', label: 'Access review', roles: ACCESS_REVIEW_ROLES },
];

export function App() {
  const session = useSession();
  const restoring = useSyncExternalStore(subscribeSession, isRestoring);
  const { path, search } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const [flash, setFlashState] = useState<string | null>(null);

  useEffect(() => {
    // A new tab or a reload asks the refresh cookie for a session first; the set-password page needs none.
    if (restoring || path === '/set-password') return;
    if (!session && path !== '/login') {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(path + search)}`;
      navigate(`/login${next}`, { replace: true });
    } else if (session && (path === '/' || path === '/login')) {
      const next = new URLSearchParams(search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : homeFor(session.user.role), {
        replace: true,
      });
    }
  }, [session, restoring, path, search]);

  // A flash set for the page on screen (e.g. an override saved in place) shows at once; one for another page
  // waits for that page (see flash.ts).
  useEffect(
    () =>
      subscribeFlash(() => {
        if (hasFlashFor(window.location.pathname)) setFlashState(takeFlash(window.location.pathname));
      }),
    [],
  );

  useEffect(() => {
    setFlashState(takeFlash(path));
    const route = ROUTES.find((candidate) => matchPath(candidate.pattern, path));
    document.title = `${route?.title ?? 'Claims review'} · Claims review`;
    mainRef.current?.focus({ preventScroll: true });
  }, [path]);

  if (path === '/set-password') return <SetPasswordPage />;
  if (restoring && !session)
    return (
      <main id="main" className="login">
        <p role="status">Signing in…</p>
      </main>
    );
  if (!session) return path === '/login' ? <LoginPage /> : null;
  if (path === '/' || path === '/login') return null;

  const role = session.user.role;
  let content: ReactNode = <NotFound />;
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (!params) continue;
    content = route.roles.includes(role) ? route.render(params) : <NotAllowed role={role} />;
    break;
  }

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Claims review</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => item.roles.includes(role)).map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  aria-current={
                    path === item.to
                      ? 'page'
                      : path.startsWith(`${item.to}/`) && item.to === '/retention'
                        ? 'true'
                        : undefined
                  }
                >
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        {CLAIM_ROLES.includes(role) && <HeaderSearch />}
        <div className="who">
          <span data-testid="who">
            <Link to="/account" aria-current={path === '/account' ? 'page' : undefined}>
              {session.user.email}
            </Link>{' '}
            · <strong>{role}</strong> · {session.user.team}
          </span>
          <button
            type="button"
            onClick={() => {
              void logout().then(() => navigate('/login', { replace: true }));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1}>
        {flash && (
          <div className="alert alert--ok" role="status">
            {flash}
          </div>
        )}
        {content}
      </main>
    </div>
  );
}
