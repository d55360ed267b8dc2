// The order form as its hooks see it: read what was typed, set values, place field messages. A narrow handle
// over antd's FormInstance, so the hooks can be driven in tests without rendering the form.
import type { FormInstance } from 'antd';
import type { NamePath } from 'antd/es/form/interface';
import type { FieldIssue } from '../../../contracts/errors.js';
import type { OrderFormValues } from './drafts';

/** A form path: ['citizen', 'phone']. */
export type FieldPath = string[];

export interface FieldErrors {
  name: FieldPath;
  errors: string[];
}

export interface OrderFields {
  /** Everything typed, nested like the API body. */
  values(): OrderFormValues;
  /** Merges into what is typed (nested groups such as place are merged too). */
  set(values: OrderFormValues): void;
  setErrors(fields: FieldErrors[]): void;
  /** Runs the inputs' own rules (required fields); false when one fails, its message is shown under it. */
  validate(): Promise<boolean>;
}

export function orderFieldsOf(form: FormInstance<OrderFormValues>): OrderFields {
  return {
    values: () => form.getFieldsValue(true) as OrderFormValues,
    set: (values) => form.setFieldsValue(values),
    // antd's untyped path: the typed one wants tuples, and these paths come from the server's dotted names
    setErrors: (fields) => form.setFields(fields.map(({ name, errors }): { name: NamePath; errors: string[] } => ({ name, errors }))),
    validate: () =>
      form.validateFields().then(
        () => true,
        () => false,
      ),
  };
}

/** Server field paths (contracts/work-orders.ts, dotted) that have an input here. */
const FORM_FIELDS = new Set([
  'type',
  'catalogItemCode',
  'timeLimitClass',
  'content',
  'summary',
  'answer',
  'place.district',
  'place.street',
  'place.address',
  'citizen.phone',
  'citizen.name',
  'citizen.confidential',
]);

/** The input a server field issue belongs under, or null when the form has none. */
export function formPath(field: string): FieldPath | null {
  if (field === 'urgency') return ['urgent'];
  if (field === 'answerOnSpot') return ['answer'];
  return FORM_FIELDS.has(field) ? field.split('.') : null;
}

/**
 * Sorts the server's refusal into messages under their inputs and the rest, shown above the buttons (the
 * server's own message when no issue names a field).
 */
export function placeRefusal(message: string, issues: FieldIssue[]): { placed: FieldErrors[]; rest: string[] } {
  const placed: FieldErrors[] = [];
  const rest: string[] = [];
  for (const issue of issues) {
    const name = formPath(issue.field);
    if (!name) {
      rest.push(issue.message);
      continue;
    }
    const known = placed.find((p) => p.name.join('.') === name.join('.'));
    if (known) known.errors.push(issue.message);
    else placed.push({ name, errors: [issue.message] });
  }
  if (placed.length === 0 && rest.length === 0) rest.push(message);
  return { placed, rest };
}

/** A mobile number as the order wants it: +86 / 0086 dropped. */
export function citizenPhoneOf(callerNumber: string | null): string {
  const digits = (callerNumber ?? '').replace(/[^\d+]/g, '');
  return digits.replace(/^(\+86|0086)(?=1\d{10}$)/, '');
}
