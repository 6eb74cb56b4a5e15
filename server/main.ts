import { DemoRefusedError, startServer } from './app';
import { serverOptionsFromArgs, usage, UsageError } from './config';
import { demoEnrollmentUri } from './demo/seed-demo';

/**
 * `npm run server`: starts the reference backend and prints exactly one line,
 * `plantdesk-server listening on http://HOST:PORT`, once it accepts requests (with --demo the
 * demo credentials are printed before it). Logs are JSON lines on stderr.
 */
async function main(): Promise<number> {
  let options;
  try {
    options = serverOptionsFromArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${usage}`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(usage);
    return 0;
  }
  let server;
  try {
    server = await startServer(options);
  } catch (error) {
    if (error instanceof DemoRefusedError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (server.demo) {
    console.log(`demo tenant "Northfield Plant" (${server.demo.tenantId}); credentials in ${server.demoCredentialsPath ?? '(memory only)'}`);
    for (const user of server.demo.users) {
      console.log(`  ${user.role.padEnd(11)} ${user.email}  password: ${user.password}  totp secret: ${user.totpSecret}`);
      console.log(`  ${''.padEnd(11)} authenticator: ${demoEnrollmentUri(user.email, user.totpSecret)}`);
    }
  }
  // Handlers go in before the line is printed: whoever waits for the line may signal at once.
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    try {
      await server.close();
      process.exit(0);
    } catch (error) {
      console.error(`plantdesk-server failed to close cleanly: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  console.log(`plantdesk-server listening on ${server.url}`);
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `plantdesk-server failed to start: ${error.message}` : error);
    process.exit(1);
  },
);
