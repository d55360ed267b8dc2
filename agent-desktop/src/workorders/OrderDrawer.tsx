// The order detail in a side drawer over the list: Esc closes it and focus returns to the list.
import { Drawer } from 'antd';
import type { WorkOrderActionResponse } from '../../../contracts/work-orders.js';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import { OrderDetail } from './OrderDetail';
import type { Reference } from './useReference';

interface Props {
  api: WorkOrderApi;
  reference: Reference;
  code: string | null;
  onClose: () => void;
  onChanged: (response: WorkOrderActionResponse) => void;
}

export function OrderDrawer({ api, reference, code, onClose, onChanged }: Props) {
  const t = useT();
  return (
    <Drawer
      open={code !== null}
      onClose={onClose}
      title={code ? t('detail.title', { code }) : ''}
      width="min(860px, 100vw)"
      destroyOnHidden
      styles={{ body: { paddingTop: 12 } }}
    >
      {code !== null && <OrderDetail key={code} api={api} reference={reference} code={code} onChanged={onChanged} />}
    </Drawer>
  );
}
