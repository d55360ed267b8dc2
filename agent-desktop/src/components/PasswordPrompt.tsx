import { LockOutlined } from '@ant-design/icons';
import { Alert, Button, Form, Input, Space } from 'antd';
import { useT } from '../i18n/i18n';

interface Props {
  /** The previous password was refused by Asterisk (rather than lost in a page reload). */
  rejected: boolean;
  extension: string;
  username: string;
  onSubmit: (password: string) => void;
}

/** Asks for the login password again so the softphone can register (it is never stored). */
export function PasswordPrompt({ rejected, extension, username, onSubmit }: Props) {
  const t = useT();
  const [form] = Form.useForm<{ password: string }>();
  return (
    <Alert
      type={rejected ? 'error' : 'warning'}
      showIcon
      banner
      data-testid="password-prompt"
      message={rejected ? t('session.authFailedTitle') : t('session.reenterTitle')}
      description={
        <Space direction="vertical" size={8}>
          <span>{rejected ? t('session.authFailedText', { extension }) : t('session.reenterText')}</span>
          <Form
            form={form}
            layout="inline"
            onFinish={({ password }) => {
              form.resetFields();
              onSubmit(password);
            }}
          >
            {/* Lets password managers pair the password with the right account. */}
            <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
            <Form.Item name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
              <Input.Password
                prefix={<LockOutlined />}
                placeholder={t('login.password')}
                autoComplete="current-password"
                autoFocus
                data-testid="reenter-password"
              />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" data-testid="reenter-submit">
                {t('session.reenterSubmit')}
              </Button>
            </Form.Item>
          </Form>
        </Space>
      }
    />
  );
}
