// The dense table of orders shared by the department portal and the dispatch desk.
import { Button, Flex, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { HTMLAttributes } from 'react';
import type { WorkOrderSummary } from '../../../contracts/work-orders.js';
import { useNow } from '../hooks/useNow';
import { useT } from '../i18n/i18n';
import { dueStatus, formatDue, formatInstant } from './format';
import { STATE_COLORS, STATE_KEYS, TYPE_KEYS } from './labels';
import type { Reference } from './useReference';

export type OrderColumn = 'code' | 'type' | 'item' | 'district' | 'summary' | 'state' | 'due' | 'department' | 'receivedAt' | 'phone';

interface Props {
  items: WorkOrderSummary[];
  loading: boolean;
  reference: Reference;
  columns: readonly OrderColumn[];
  /** data-testid of the table; rows get `${rowTestIdPrefix}-${code}`. */
  testId: string;
  rowTestIdPrefix: string;
  onOpen: (code: string) => void;
  /** Highlight the row of the open order. */
  selectedCode?: string | null | undefined;
}

export function OrderTable({ items, loading, reference, columns, testId, rowTestIdPrefix, onOpen, selectedCode }: Props) {
  const t = useT();
  const now = useNow(60_000);

  const all: Record<OrderColumn, ColumnsType<WorkOrderSummary>[number]> = {
    code: {
      key: 'code',
      title: t('wo.col.code'),
      dataIndex: 'code',
      width: 170,
      fixed: 'left',
      render: (_: unknown, o: WorkOrderSummary) => (
        <Flex gap={4} align="center" wrap={false}>
          <Button
            type="link"
            size="small"
            style={{ padding: 0, fontFamily: 'monospace' }}
            aria-label={t('wo.open', { code: o.code })}
            data-testid={`open-${o.code}`}
            onClick={(e) => {
              e.stopPropagation();
              onOpen(o.code);
            }}
          >
            {o.code}
          </Button>
          {o.urgency === 'urgent' && (
            <Tag color="red" style={{ marginInlineEnd: 0 }}>
              {t('wo.urgency.urgent')}
            </Tag>
          )}
        </Flex>
      ),
    },
    type: {
      key: 'type',
      title: t('wo.col.type'),
      dataIndex: 'type',
      width: 64,
      render: (_: unknown, o: WorkOrderSummary) => t(TYPE_KEYS[o.type]),
    },
    item: {
      key: 'item',
      title: t('wo.col.item'),
      dataIndex: 'catalogItemCode',
      width: 180,
      ellipsis: { showTitle: false },
      render: (_: unknown, o: WorkOrderSummary) => {
        const name = reference.itemName(o.catalogItemCode);
        const text = name ? `${o.catalogItemCode} ${name}` : o.catalogItemCode;
        return (
          <Tooltip title={text} placement="topLeft">
            <span>{text}</span>
          </Tooltip>
        );
      },
    },
    district: { key: 'district', title: t('wo.col.district'), dataIndex: 'district', width: 90, ellipsis: true },
    summary: {
      key: 'summary',
      title: t('wo.col.summary'),
      dataIndex: 'summary',
      ellipsis: { showTitle: false },
      render: (_: unknown, o: WorkOrderSummary) => (
        <Tooltip title={o.summary} placement="topLeft">
          <span>{o.summary}</span>
        </Tooltip>
      ),
    },
    state: {
      key: 'state',
      title: t('wo.col.state'),
      dataIndex: 'state',
      width: 90,
      render: (_: unknown, o: WorkOrderSummary) => (
        <Tag color={STATE_COLORS[o.state]} data-state={o.state} style={{ marginInlineEnd: 0 }}>
          {t(STATE_KEYS[o.state])}
        </Tag>
      ),
    },
    due: {
      key: 'due',
      title: t('wo.col.due'),
      dataIndex: 'dueAt',
      width: 190,
      render: (_: unknown, o: WorkOrderSummary) => <DueCell order={o} now={now} />,
    },
    department: {
      key: 'department',
      title: t('wo.col.department'),
      dataIndex: 'departmentName',
      width: 180,
      ellipsis: true,
      render: (_: unknown, o: WorkOrderSummary) => o.departmentName ?? reference.departmentName(o.departmentId) ?? o.departmentId ?? '—',
    },
    receivedAt: {
      key: 'receivedAt',
      title: t('wo.col.receivedAt'),
      dataIndex: 'receivedAt',
      width: 130,
      render: (_: unknown, o: WorkOrderSummary) => formatInstant(o.receivedAt),
    },
    phone: { key: 'phone', title: t('wo.col.phone'), width: 120, render: (_: unknown, o: WorkOrderSummary) => o.citizen.phone },
  };

  return (
    <div data-testid={testId}>
      <Table<WorkOrderSummary>
        size="small"
        rowKey="id"
        bordered
        loading={loading}
        dataSource={items}
        columns={columns.map((c) => all[c])}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('wo.empty') }}
        rowClassName={(o) => (o.code === selectedCode ? 'ant-table-row-selected' : '')}
        onRow={(o) =>
          ({
            'data-testid': `${rowTestIdPrefix}-${o.code}`,
            'data-state': o.state,
            style: { cursor: 'pointer' },
            onClick: () => onOpen(o.code),
          }) as HTMLAttributes<HTMLElement>
        }
      />
    </div>
  );
}

export function DueCell({ order, now }: { order: { state: WorkOrderSummary['state']; overdue: boolean; dueAt: number }; now: number }) {
  const t = useT();
  const status = dueStatus(order, now);
  return (
    <Flex gap={4} align="center" wrap={false}>
      <Typography.Text
        type={status === 'overdue' ? 'danger' : status === 'soon' ? 'warning' : undefined}
        strong={status === 'overdue'}
        style={{ whiteSpace: 'nowrap' }}
      >
        {formatDue(order.dueAt)}
      </Typography.Text>
      {status === 'overdue' && (
        <Tag color="error" style={{ marginInlineEnd: 0 }} data-due="overdue">
          {t('wo.overdue')}
        </Tag>
      )}
      {status === 'soon' && (
        <Tag color="warning" style={{ marginInlineEnd: 0 }} data-due="soon">
          {t('wo.dueSoon')}
        </Tag>
      )}
    </Flex>
  );
}
