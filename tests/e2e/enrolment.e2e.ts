import { totpCode } from '../../server/crypto/totp';
import { expect, test } from './world';

const newPassword = 'Nora-picks-her-own-42';

/**
 * People own their factors: an admin adds a person in the app and is shown a one-time link,
 * never a password or an authenticator key; the person opens the link in the app, sees their
 * key, chooses their password and confirms with a code the test computes from the key shown.
 * Nothing the admin's screens received holds the key or the password.
 */
test('a new person enrols from the admin’s link: own password, own authenticator, and the admin never sees either', async ({ page, world }) => {
  await world.signInCore('admin');
  await world.call('sync.now', {});
  const adminAnswers: string[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(world.bridge.url)) void response.text().then((text) => adminAnswers.push(text), () => undefined);
  });

  await world.open(page, '#/people');
  await page.getByRole('button', { name: 'Add person…' }).click();
  const add = page.getByRole('dialog', { name: 'Add a person' });
  await add.getByLabel('Name').fill('Nora Newcomer');
  const email = `nora-${Date.now()}@northfield.example`;
  await add.getByLabel('Email').fill(email);
  await add.getByLabel('Role').selectOption('contributor');
  await add.getByRole('button', { name: 'Add and make link' }).click();
  const notice = add.getByTestId('enrolment-link');
  await expect(notice).toContainText('Give this link to Nora Newcomer. It works once, until');
  const link = await notice.getByRole('textbox', { name: 'Enrolment link' }).inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/enrol#[A-Za-z0-9_-]{43}$/);
  await world.screenshot(page, 'people-enrolment-link');
  const adminPage = await page.content();
  const adminAnswerCount = adminAnswers.length;
  await add.getByRole('button', { name: 'Done' }).click();

  // The admin leaves the workstation; Nora opens her link.
  await world.call('auth.signOut', {});
  await world.open(page);
  await page.getByRole('button', { name: 'I have an enrolment link' }).click();
  await page.getByLabel('Enrolment link').fill(link);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByTestId('enrol-who')).toHaveText(`Setting up Nora Newcomer (${email}) in Northfield Plant.`);
  const secret = await page.getByTestId('enrol-totp-secret').getAttribute('data-secret');
  expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
  await world.screenshot(page, 'enrolment');
  await page.getByLabel('Choose your password').fill(newPassword);
  await page.getByLabel('Type it again').fill(newPassword);
  await page.getByLabel('Code from your authenticator app').fill(await totpCode(secret!, world.clock.now()));
  await page.getByRole('button', { name: 'Finish and sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText('Nora Newcomer', { timeout: 30_000 });

  // Neither factor ever reached the admin: not on the screen, not in any answer the window got.
  expect(adminAnswerCount).toBeGreaterThan(3);
  for (const text of [adminPage, ...adminAnswers.slice(0, adminAnswerCount)]) {
    expect(text).not.toContain(secret!);
    expect(text).not.toContain(newPassword);
  }
  // And the server holds the person's own password: a fresh online sign-in works with it.
  await world.call('auth.signOut', {});
  world.clock.advance(30_000);
  const signedIn = await world.call('auth.signIn', { server: world.url, email, password: newPassword, totpCode: await totpCode(secret!, world.clock.now()) });
  expect(signedIn).toMatchObject({ state: 'unlocked', user: { email } });
});
