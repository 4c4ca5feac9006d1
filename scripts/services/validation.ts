/** Checks of what callers pass in: instance names, mailbox addresses, the mailbox password. */

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$/;
const EMAIL = /^[^\s:@"\\]+@[^\s:@"\\]+$/;

export function checkName(name: string): string {
  if (!NAME.test(name)) throw new Error(`invalid instance name ${JSON.stringify(name)}: use letters, digits, '.', '_' or '-' (at most 48)`);
  return name;
}

export function normalizeMailboxes(emails: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of emails) {
    const email = raw.trim().toLowerCase(); // Dovecot lowercases logins (auth_username_format = %Lu)
    if (!EMAIL.test(email)) throw new Error(`invalid mailbox address ${JSON.stringify(raw)}`);
    if (!out.includes(email)) out.push(email);
  }
  return out;
}

export function checkPassword(password: string): string {
  if (password === '' || /[:\r\n]/.test(password)) throw new Error('the mailbox password must be non-empty and contain no ":" or line breaks');
  return password;
}
