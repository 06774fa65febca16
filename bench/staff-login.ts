import { generateSync } from 'otplib';

export type JsonPost = (path: string, body: unknown) => Promise<{ status: number; body: any }>;

/**
 * Logs a staff account in through the API as a client would. Admins must have a second factor,
 * so on the first login of a fresh database the account is enrolled: the secret from
 * /2fa/enrol, then the current code computed from it (the service runs on the real clock here).
 */
export async function benchLogin(post: JsonPost, email: string, password: string): Promise<string> {
  const first = await post('/api/v1/auth/login', { email, password });
  if (first.status === 200) return first.body.accessToken;
  if (first.status === 403 && first.body?.code === 'TWO_FACTOR_ENROLMENT_REQUIRED') {
    const enrolmentToken = first.body.enrolmentToken as string;
    const enrol = await post('/api/v1/auth/2fa/enrol', { enrolmentToken });
    if (enrol.status !== 200) throw new Error(`2fa/enrol answered ${enrol.status}: ${JSON.stringify(enrol.body)}`);
    const confirm = await post('/api/v1/auth/2fa/confirm', { enrolmentToken, otp: generateSync({ secret: enrol.body.secret }) });
    if (confirm.status !== 200) throw new Error(`2fa/confirm answered ${confirm.status}: ${JSON.stringify(confirm.body)}`);
    return confirm.body.accessToken;
  }
  throw new Error(
    `login of ${email} answered ${first.status} ${first.body?.code ?? ''}: an account that set up its second factor in an earlier run cannot log in here; start from a fresh database`,
  );
}

/** The same through fetch against a running service. */
export const fetchPost =
  (base: string): JsonPost =>
  async (path, body) => {
    const res = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
