import os from 'node:os';
import path from 'node:path';
import { createCore, type Core } from '../core/core';
import { PlantdeskError } from '../../shared/errors';
import { dispatchCall } from '../../shared/dispatch';
import type { CallResponse, Channel } from '../../shared/contract';
import { parseArgs, UsageError, type ParsedArgs } from './args';

/** Exit codes of API.md. */
export const exitCodes = { ok: 0, failure: 1, usage: 2, needsSignIn: 3, offlinePastGrant: 4 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface CommandContext {
  args: ParsedArgs;
  io: CliIo;
  call<C extends Channel>(channel: C, request: unknown): Promise<CallResponse<C>>;
}

interface Command {
  summary: string;
  usage: string;
  examples: string[];
  run(context: CommandContext): Promise<number>;
}

/** The default profile: the same folder Electron's app.getPath('userData') uses for "Plantdesk". */
export function defaultProfileDir(): string {
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData/Roaming'), 'Plantdesk');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library/Application Support/Plantdesk');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Plantdesk');
}

const commands: Record<string, Command> = {
  version: {
    summary: 'Print the app version and runtime.',
    usage: 'plantdesk version [--json]',
    examples: ['plantdesk version', 'plantdesk version --json'],
    async run({ args, io, call }) {
      const info = await call('app.info', {});
      io.stdout(args.flags.json ? JSON.stringify(info) : `Plantdesk ${info.version} (node ${info.nodeVersion}, ${info.platform}/${info.arch})`);
      return exitCodes.ok;
    },
  },
};

function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return [
    'usage: plantdesk <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`),
    '',
    'options for every command:',
    '  --profile DIR  local data directory (default: the OS app-data folder)',
    '  --help         help for the command',
    '',
    'Run `plantdesk <command> --help` for examples.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  return [`usage: ${command.usage}`, '', command.summary, '', 'examples:', ...command.examples.map((e) => `  ${e}`)].join('\n');
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo, appVersion: string): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`plantdesk: ${(error as Error).message} (see plantdesk --help)`);
    return exitCodes.usage;
  }
  if (!args.command) {
    (args.flags.help ? io.stdout : io.stderr)(helpText());
    return args.flags.help ? exitCodes.ok : exitCodes.usage;
  }
  const command = commands[args.command];
  if (!command) {
    io.stderr(`plantdesk: unknown command '${args.command}' (see plantdesk --help)`);
    return exitCodes.usage;
  }
  if (args.flags.help) {
    io.stdout(commandHelp(args.command, command));
    return exitCodes.ok;
  }
  const profileDir = typeof args.flags.profile === 'string' ? path.resolve(args.flags.profile) : defaultProfileDir();
  const core: Core = createCore({ profileDir, appVersion });
  try {
    return await command.run({
      args,
      io,
      async call(channel, request) {
        const result = await dispatchCall(channel, request, (checked, req) => core.call(checked, req));
        if (!result.ok) throw PlantdeskError.fromBody(result.error);
        return result.value as never;
      },
    });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`plantdesk: ${error.message} (see plantdesk ${args.command} --help)`);
      return exitCodes.usage;
    }
    const message = error instanceof PlantdeskError ? error.message : 'unexpected failure; nothing was changed.';
    io.stderr(`plantdesk: ${message}`);
    return exitCodes.failure;
  } finally {
    await core.close();
  }
}
