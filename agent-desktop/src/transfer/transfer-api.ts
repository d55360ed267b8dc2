// REST calls of the transfer panel (server: transfer/routes.ts).
import type { StartTransferRequest, TransferAction, TransferDirectoryView, TransferView } from '../../../contracts/transfer.js';
import { requestJson } from '../api/http';

export const fetchDirectory = (token: string) => requestJson<TransferDirectoryView>('GET', '/api/transfers/directory', { token });

export const startTransfer = (token: string, callId: string, body: StartTransferRequest) =>
  requestJson<{ transfer: TransferView }>('POST', `/api/calls/${encodeURIComponent(callId)}/transfer`, { token, body }).then((r) => r.transfer);

export const transferAction = (token: string, callId: string, action: TransferAction) =>
  requestJson<{ transfer: TransferView }>('POST', `/api/calls/${encodeURIComponent(callId)}/transfer/${action}`, { token, body: {} }).then((r) => r.transfer);

export const fetchTransfer = (token: string, callId: string) =>
  requestJson<{ transfer: TransferView }>('GET', `/api/calls/${encodeURIComponent(callId)}/transfer`, { token }).then((r) => r.transfer);
