// 派单台 for dispatchers, supervisors and admins: dispatch what auto-dispatch could not place (and what
// departments returned), review departments' replies, search every order. The supervisor wallboard comes later.
import { ReloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Empty, Flex, Form, Input, Layout, Select, Tabs, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { WorkOrderState } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import { ApiError } from '../api/http';
import type { ListParams, WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import type { StoredSession } from '../session/session-store';
import { STATE_KEYS, STATES_IN_ORDER } from '../workorders/labels';
import { OrderDrawer } from '../workorders/OrderDrawer';
import { OrderTable, type OrderColumn } from '../workorders/OrderTable';
import { useOrderList } from '../workorders/useOrderList';
import { useReference, type Reference } from '../workorders/useReference';
import { useWorkOrderApi } from '../workorders/useWorkOrderApi';
import { WorkHeader } from '../workorders/WorkHeader';

interface Props {
  session: StoredSession;
  onLogout: () => void;
  onExpired: () => void;
}

type TabKey = 'dispatch' | 'review' | 'all' | 'wallboard';

const DISPATCH_PARAMS: ListParams = { state: ['received', 'returned'] };
const REVIEW_PARAMS: ListParams = { state: ['replied'] };
const DISPATCH_COLUMNS: readonly OrderColumn[] = ['code', 'type', 'item', 'district', 'summary', 'state', 'due', 'receivedAt'];
const REVIEW_COLUMNS: readonly OrderColumn[] = ['code', 'type', 'item', 'district', 'summary', 'department', 'due', 'receivedAt'];
const ALL_COLUMNS: readonly OrderColumn[] = ['code', 'type', 'item', 'district', 'summary', 'state', 'department', 'due', 'phone', 'receivedAt'];

export function DeskPage({ session, onLogout, onExpired }: Props) {
  const t = useT();
  const api = useWorkOrderApi(session.token, onExpired);
  const reference = useReference(api);
  const [tab, setTab] = useState<TabKey>('dispatch');
  const [open, setOpen] = useState<string | null>(null);
  // Bumped after every action so each tab refetches (an order leaves 待派单 / 待审核 once handled).
  const [changes, setChanges] = useState(0);
  // The search survives switching tabs.
  const [search, setSearch] = useState<SearchValues>({ state: 'all' });

  const listProps = { api, reference, onOpen: setOpen, openCode: open, changes };
  const tabLabel = (key: TabKey, text: string) => <span data-testid={`desk-tab-${key}`}>{text}</span>;

  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="dispatch-desk">
      <Layout.Header style={{ background: '#fff', padding: '0 12px', height: 48, lineHeight: '48px', borderBottom: '1px solid #f0f0f0' }}>
        <WorkHeader title={t('desk.title')} user={session.user} onLogout={onLogout} />
      </Layout.Header>
      <Layout.Content style={{ padding: '0 8px 8px' }}>
        <Tabs
          activeKey={tab}
          // one tab in the DOM at a time: a tab refetches when shown, and row test ids stay unique
          destroyOnHidden
          onChange={(k) => setTab(k as TabKey)}
          aria-label={t('desk.tabs')}
          items={[
            {
              key: 'dispatch',
              label: tabLabel('dispatch', t('desk.tab.dispatch')),
              children: <FixedList {...listProps} params={DISPATCH_PARAMS} columns={DISPATCH_COLUMNS} hint={t('desk.dispatchHint')} />,
            },
            {
              key: 'review',
              label: tabLabel('review', t('desk.tab.review')),
              children: <FixedList {...listProps} params={REVIEW_PARAMS} columns={REVIEW_COLUMNS} hint={t('desk.reviewHint')} />,
            },
            { key: 'all', label: tabLabel('all', t('desk.tab.all')), children: <SearchList {...listProps} search={search} onSearch={setSearch} /> },
            {
              key: 'wallboard',
              label: tabLabel('wallboard', t('desk.tab.wallboard')),
              children: (
                <Card size="small" data-testid="panel-wallboard">
                  <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('panel.placeholder')} />
                </Card>
              ),
            },
          ]}
        />
      </Layout.Content>
      <OrderDrawer api={api} reference={reference} code={open} onClose={() => setOpen(null)} onChanged={() => setChanges((n) => n + 1)} />
    </Layout>
  );
}

interface ListProps {
  api: WorkOrderApi;
  reference: Reference;
  onOpen: (code: string) => void;
  openCode: string | null;
  changes: number;
}

function useRefetchOnChange(changes: number, reload: () => void) {
  useEffect(() => {
    if (changes > 0) reload();
    // Deliberately keyed on `changes` alone: reload only when an action happened. `reload` gets a new
    // identity whenever the list's params change, and useOrderList already refetches on those itself,
    // so listing it here would fetch the first page twice.
  }, [changes]);
}

function FixedList({
  api,
  reference,
  onOpen,
  openCode,
  changes,
  params,
  columns,
  hint,
}: ListProps & {
  params: ListParams;
  columns: readonly OrderColumn[];
  hint: string;
}) {
  const t = useT();
  const list = useOrderList(api, params);
  useRefetchOnChange(changes, list.reload);
  return (
    <Card size="small">
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <Typography.Text type="secondary">{hint}</Typography.Text>
        <div style={{ flex: 1 }} />
        <Typography.Text type="secondary">{t('wo.loaded', { count: list.items.length })}</Typography.Text>
        <Button icon={<ReloadOutlined />} onClick={list.reload} loading={list.loading}>
          {t('wo.refresh')}
        </Button>
      </Flex>
      <ListBody list={list} reference={reference} columns={columns} onOpen={onOpen} openCode={openCode} />
    </Card>
  );
}

interface SearchValues {
  code?: string;
  phone?: string;
  q?: string;
  state?: WorkOrderState | 'all';
}

const SEARCH_FIELDS = ['code', 'phone', 'q', 'state'] as const;

function toParams(v: SearchValues): ListParams {
  const trim = (s: string | undefined) => (s && s.trim() !== '' ? s.trim() : undefined);
  return {
    code: trim(v.code),
    phone: trim(v.phone),
    q: trim(v.q),
    state: v.state && v.state !== 'all' ? [v.state] : undefined,
  };
}

function SearchList({
  api,
  reference,
  onOpen,
  openCode,
  changes,
  search,
  onSearch,
}: ListProps & {
  search: SearchValues;
  onSearch: (v: SearchValues) => void;
}) {
  const t = useT();
  const [form] = Form.useForm<SearchValues>();
  const params = useMemo(() => toParams(search), [search]);
  const list = useOrderList(api, params);
  useRefetchOnChange(changes, list.reload);

  // The server's field messages (e.g. 联系电话格式不正确) go under the search input they concern.
  const fieldErrors = useMemo(() => {
    const fields = list.error instanceof ApiError ? (list.error.body?.error.fields ?? []) : [];
    return new Map(fields.map((f) => [f.field, f.message]));
  }, [list.error]);
  const placed = SEARCH_FIELDS.some((f) => fieldErrors.has(f));
  const itemStatus = (name: (typeof SEARCH_FIELDS)[number]) => (fieldErrors.has(name) ? { validateStatus: 'error' as const, help: fieldErrors.get(name) } : {});

  return (
    <Card size="small">
      <Form<SearchValues>
        form={form}
        name="desk-search"
        layout="inline"
        initialValues={search}
        onFinish={(v) => {
          // the same search again means "refresh"
          if (JSON.stringify(toParams(v)) === JSON.stringify(params)) list.reload();
          else onSearch({ ...v });
        }}
        role="search"
        style={{ marginBottom: 8, rowGap: 8 }}
      >
        <Form.Item name="code" label={t('desk.search.code')} {...itemStatus('code')}>
          <Input allowClear style={{ width: 180 }} data-testid="search-code" />
        </Form.Item>
        <Form.Item name="phone" label={t('desk.search.phone')} {...itemStatus('phone')}>
          <Input allowClear style={{ width: 150 }} inputMode="tel" data-testid="search-phone" />
        </Form.Item>
        <Form.Item name="q" label={t('desk.search.q')} {...itemStatus('q')}>
          <Input allowClear style={{ width: 220 }} placeholder={t('desk.search.qPlaceholder')} data-testid="search-q" />
        </Form.Item>
        <Form.Item name="state" label={t('wo.filter.state')} {...itemStatus('state')}>
          <Select
            style={{ width: 130 }}
            aria-label={t('wo.filter.state')}
            data-testid="search-state"
            options={[{ value: 'all', label: t('wo.filter.allStates') }, ...STATES_IN_ORDER.map((s) => ({ value: s, label: t(STATE_KEYS[s]) }))]}
          />
        </Form.Item>
        <Form.Item>
          <Flex gap={8}>
            <Button type="primary" htmlType="submit" loading={list.loading} data-testid="search-submit">
              {t('desk.search.submit')}
            </Button>
            <Button
              onClick={() => {
                form.setFieldsValue({ code: '', phone: '', q: '', state: 'all' });
                onSearch({ state: 'all' });
              }}
            >
              {t('desk.search.reset')}
            </Button>
          </Flex>
        </Form.Item>
      </Form>
      <ListBody list={list} reference={reference} columns={ALL_COLUMNS} onOpen={onOpen} openCode={openCode} hideError={placed} />
    </Card>
  );
}

function ListBody({
  list,
  reference,
  columns,
  onOpen,
  openCode,
  hideError,
}: {
  list: ReturnType<typeof useOrderList>;
  reference: Reference;
  columns: readonly OrderColumn[];
  onOpen: (code: string) => void;
  openCode: string | null;
  hideError?: boolean;
}) {
  const t = useT();
  return (
    <>
      {list.error !== null && !hideError && (
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
        columns={columns}
        testId="desk-table"
        rowTestIdPrefix="desk-row"
        onOpen={onOpen}
        selectedCode={openCode}
      />
      {list.hasMore && (
        <Flex justify="center" style={{ marginTop: 8 }}>
          <Button onClick={list.loadMore} loading={list.loading}>
            {t('wo.loadMore')}
          </Button>
        </Flex>
      )}
    </>
  );
}
