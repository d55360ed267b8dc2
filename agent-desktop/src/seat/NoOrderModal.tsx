// 无需工单: the agent says why this call needs no order (wrong number, silent, nuisance …); the draft is dropped.
import { Flex, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useT } from '../i18n/i18n';
import { NO_ORDER_REASONS, type NoOrderReason } from './useCallContext';

interface Props {
  open: boolean;
  onCancel: () => void;
  onConfirm: (reason: NoOrderReason) => void;
}

export function NoOrderModal({ open, onCancel, onConfirm }: Props) {
  const t = useT();
  const [reason, setReason] = useState<NoOrderReason>('wrong_number');
  return (
    <Modal
      open={open}
      title={t('order.noOrderTitle')}
      onCancel={onCancel}
      onOk={() => onConfirm(reason)}
      okText={t('order.noOrderConfirm')}
      cancelText={t('action.cancel')}
      okButtonProps={{ 'data-testid': 'no-order-confirm' }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('order.noOrderText')}</Typography.Paragraph>
      <Radio.Group value={reason} onChange={(e) => setReason(e.target.value as NoOrderReason)} aria-label={t('order.noOrderReason')}>
        <Flex vertical gap={4}>
          {NO_ORDER_REASONS.map((r) => (
            <Radio key={r} value={r} data-testid={`no-order-${r}`}>
              {t(`order.noOrder.${r}`)}
            </Radio>
          ))}
        </Flex>
      </Radio.Group>
    </Modal>
  );
}
