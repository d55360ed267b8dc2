// Header of the non-agent screens (department portal, dispatch desk): who is signed in, language, sign-out.
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Divider, Flex, Tag, Typography } from 'antd';
import type { SessionUser } from '../../../contracts/api.js';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useT } from '../i18n/i18n';
import { ROLE_KEYS } from './labels';

interface Props {
  title: string;
  user: SessionUser;
  /** Shown beside the user, e.g. the handler's department. */
  subtitle?: string | null | undefined;
  onLogout: () => void;
}

export function WorkHeader({ title, user, subtitle, onLogout }: Props) {
  const t = useT();
  return (
    <Flex align="center" gap={12} style={{ height: '100%', overflowX: 'auto' }}>
      <Typography.Title level={5} style={{ margin: 0, whiteSpace: 'nowrap' }} data-testid="page-title">
        {title}
      </Typography.Title>
      <Divider type="vertical" />
      <Typography.Text strong style={{ whiteSpace: 'nowrap' }} data-testid="user-name">
        <UserOutlined />{' '}
        {user.displayName === t(ROLE_KEYS[user.role]) ? user.displayName : t('work.user', { name: user.displayName, role: t(ROLE_KEYS[user.role]) })}
      </Typography.Text>
      {subtitle && (
        <Tag color="blue" style={{ marginInlineEnd: 0 }} data-testid="user-department">
          {subtitle}
        </Tag>
      )}
      <div style={{ flex: 1 }} />
      {['dispatcher', 'supervisor', 'admin'].includes(user.role) && (
        // reports at /reports, the desk at /: a full page load, the session is kept in storage
        <Button type="link" size="small" href={window.location.pathname.startsWith('/reports') ? '/' : '/reports'} data-testid="link-reports">
          {window.location.pathname.startsWith('/reports') ? t('reports.back') : t('reports.link')}
        </Button>
      )}
      <LanguageSwitch />
      <Button type="text" size="small" icon={<LogoutOutlined />} onClick={onLogout} data-testid="btn-logout">
        {t('session.logout')}
      </Button>
    </Flex>
  );
}
