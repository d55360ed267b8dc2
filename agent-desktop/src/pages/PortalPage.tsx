// 部门办理: a department handler's orders — sign for them, start, reply, return, ask for more time.
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Layout, Select, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { SessionUser } from '../../../contracts/api.js';
import type { WorkOrderState } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import type { ListParams } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import type { StoredSession } from '../session/session-store';
import { STATE_KEYS, STATES_IN_ORDER } from '../workorders/labels';
import { OrderDrawer } from '../workorders/OrderDrawer';
import { OrderTable, type OrderColumn } from '../workorders/OrderTable';
import { useOrderList } from '../workorders/useOrderList';
import { useReference } from '../workorders/useReference';
import { useWorkOrderApi } from '../workorders/useWorkOrderApi';
import { WorkHeader } from '../workorders/WorkHeader';

interface Props {
  session: StoredSession;
  onLogout: () => void;
  onExpired: () => void;
}

/** What a department still has to do. */
const TODO: readonly WorkOrderState[] = ['dispatched', 'signed', 'in_progress'];
const COLUMNS: readonly OrderColumn[] = ['code', 'type', 'item', 'district', 'summary', 'state', 'due', 'receivedAt'];

type StateFilter = 'todo' | 'all' | WorkOrderState;

export function PortalPage({ session, onLogout, onExpired }: Props) {
  const t = useT();
  const api = useWorkOrderApi(session.token, onExpired);
  const reference = useReference(api);
  const [stateFilter, setStateFilter] = useState<StateFilter>('todo');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [open, setOpen] = useState<string | null>(null);

  const params = useMemo<ListParams>(
    () => ({
      state: stateFilter === 'all' ? undefined : stateFilter === 'todo' ? TODO : [stateFilter],
      overdue: overdueOnly ? true : undefined,
    }),
    [stateFilter, overdueOnly],
  );
  const list = useOrderList(api, params);

  // The login answer may carry the handler's department (seeded accounts do); else the orders name it.
  const departmentCode = (session.user as SessionUser & { departmentCode?: string | null }).departmentCode ?? null;
  const [seenDepartment, setSeenDepartment] = useState<string | null>(null);
  const firstDepartment = list.items[0]?.departmentName ?? null;
  useEffect(() => {
    if (firstDepartment) setSeenDepartment(firstDepartment);
  }, [firstDepartment]);
  const departmentName = reference.departmentName(departmentCode) ?? seenDepartment;

  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="department-portal">
      <Layout.Header style={{ background: '#fff', padding: '0 12px', height: 48, lineHeight: '48px', borderBottom: '1px solid #f0f0f0' }}>
        <WorkHeader title={t('portal.title')} user={session.user} subtitle={departmentName} onLogout={onLogout} />
      </Layout.Header>
      <Layout.Content style={{ padding: 8 }}>
        <Card size="small">
          <Flex gap={12} align="center" wrap role="search" aria-label={t('portal.filters')} style={{ marginBottom: 8 }}>
            <label htmlFor="portal-state-filter">{t('wo.filter.state')}</label>
            <Select<StateFilter>
              id="portal-state-filter"
              aria-label={t('wo.filter.state')}
              data-testid="filter-state"
              value={stateFilter}
              onChange={setStateFilter}
              style={{ minWidth: 240 }}
              options={[
                { value: 'todo', label: t('wo.filter.todo') },
                { value: 'all', label: t('wo.filter.allStates') },
                ...STATES_IN_ORDER.map((s) => ({ value: s, label: t(STATE_KEYS[s]) })),
              ]}
            />
            <label htmlFor="portal-due-filter">{t('wo.filter.due')}</label>
            <Select<'all' | 'overdue'>
              id="portal-due-filter"
              aria-label={t('wo.filter.due')}
              data-testid="filter-overdue"
              value={overdueOnly ? 'overdue' : 'all'}
              onChange={(v) => setOverdueOnly(v === 'overdue')}
              style={{ minWidth: 140 }}
              options={[
                { value: 'all', label: t('wo.filter.allDue') },
                { value: 'overdue', label: t('wo.filter.overdueOnly') },
              ]}
            />
            <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading} data-testid="list-refresh">
              {t('wo.refresh')}
            </Button>
            <div style={{ flex: 1 }} />
            <Typography.Text type="secondary">{t('wo.loaded', { count: list.items.length })}</Typography.Text>
          </Flex>
          {list.error !== null && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 8 }}
              data-testid="list-error"
              message={t('wo.loadFailed', { message: describeError(list.error, t) })}
            />
          )}
          <OrderTable
            items={list.items}
            loading={list.loading}
            reference={reference}
            columns={COLUMNS}
            testId="portal-table"
            rowTestIdPrefix="portal-row"
            onOpen={setOpen}
            selectedCode={open}
          />
          {list.hasMore && (
            <Flex justify="center" style={{ marginTop: 8 }}>
              <Button onClick={list.loadMore} loading={list.loading} data-testid="list-more">
                {t('wo.loadMore')}
              </Button>
            </Flex>
          )}
        </Card>
      </Layout.Content>
      <OrderDrawer api={api} reference={reference} code={open} onClose={() => setOpen(null)} onChanged={list.reload} />
    </Layout>
  );
}
