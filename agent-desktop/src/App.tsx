import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useCallback, useState } from 'react';
import type { LoginResponse } from '../../contracts/api.js';
import { logout } from './api/http';
import { I18nProvider, useI18n } from './i18n/i18n';
import { DeskPage } from './pages/DeskPage';
import { LoginPage } from './pages/LoginPage';
import { PortalPage } from './pages/PortalPage';
import { ProgressPage } from './pages/ProgressPage';
import { ReportsPage } from './reports/ReportsPage';
import { SeatPage, type SipSecret } from './pages/SeatPage';
import { ServicesContext, type Services } from './services';
import { WallboardPage } from './wallboard/WallboardPage';
import { clearSession, loadSession, saveSession, type StoredSession } from './session/session-store';

// System CJK faces first so Chinese never falls back to a Latin-only font.
const FONT_FAMILY =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', " +
  "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Helvetica Neue', Arial, sans-serif";

export function App({ services }: { services: Services }) {
  return (
    <ServicesContext.Provider value={services}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </ServicesContext.Provider>
  );
}

function Themed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={{ algorithm: theme.compactAlgorithm, token: { fontFamily: FONT_FAMILY, borderRadius: 4 } }}
      // antd would render "示 闲" / "登 录"; agents read the words, not spaced glyphs.
      button={{ autoInsertSpace: false }}
    >
      <AntApp>
        {/* The citizens' progress query is public: no session, no softphone. */}
        {isProgressPath(window.location.pathname) ? <ProgressPage /> : <Shell />}
      </AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const { t } = useI18n();
  const [session, setSession] = useState<StoredSession | null>(loadSession);
  // The password (= SIP password) lives only here, in memory; see session-store.ts.
  const [secret, setSecret] = useState<SipSecret | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const onLoggedIn = useCallback((response: LoginResponse, password: string) => {
    saveSession(response);
    setSession(response);
    // Only a user with a SIP account needs the password again (to register the softphone).
    setSecret(response.sip !== null ? { value: password } : null);
    setNotice(null);
  }, []);

  const endSession = useCallback((reason: string | null) => {
    clearSession();
    setSession(null);
    setSecret(null);
    setNotice(reason);
  }, []);

  const onLogout = useCallback(() => {
    // the page leaves at once; a server that cannot be told lets the token run out (12 h) as before
    if (session) logout(session.token).catch(() => undefined);
    endSession(null);
  }, [endSession, session]);
  const onExpired = useCallback(() => endSession(t('session.expired')), [endSession, t]);

  if (!session) return <LoginPage onLoggedIn={onLoggedIn} notice={notice} />;
  // Role routing: only agents get the seat page (and with it the softphone, when the login carried SIP).
  switch (session.user.role) {
    case 'agent':
      return <SeatPage session={session} secret={secret} onSecret={setSecret} onLogout={onLogout} onExpired={onExpired} />;
    case 'handler':
      return <PortalPage session={session} onLogout={onLogout} onExpired={onExpired} />;
    case 'dispatcher':
    case 'supervisor':
    case 'admin':
      // 统计报表 and 未诉先办 hotspots live at /reports
      if (isReportsPath(window.location.pathname)) return <ReportsPage session={session} onLogout={onLogout} onExpired={onExpired} />;
      // 实时监控大屏 at /wallboard, for supervisors and admins
      if (session.user.role !== 'dispatcher' && isWallboardPath(window.location.pathname)) {
        return <WallboardPage session={session} secret={secret} onSecret={setSecret} onLogout={onLogout} onExpired={onExpired} />;
      }
      return <DeskPage session={session} onLogout={onLogout} onExpired={onExpired} />;
  }
  // A stored session from another build with a role this one does not know: sign in again.
  return <LoginPage onLoggedIn={onLoggedIn} notice={null} />;
}

function isReportsPath(pathname: string): boolean {
  return pathname.replace(/\/+$/, '') === '/reports';
}

function isWallboardPath(pathname: string): boolean {
  return pathname.replace(/\/+$/, '') === '/wallboard';
}

function isProgressPath(pathname: string): boolean {
  return pathname.replace(/\/+$/, '') === '/progress';
}
