/** A small, strict argument parser: unknown shapes are usage errors (exit 2), never guesses. */
export class UsageError extends Error {}

export interface ParsedArgs {
  command: string | null;
  positionals: string[];
  flags: Record<string, string | true>;
}

const booleanFlags = new Set(['help', 'json', 'password-stdin', 'bom', 'quiet', 'yes', 'enrol', 'sso', 'device', 'no-browser']);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: null, positionals: [], flags: {} };
  for (let index = 0; index < argv.length; index += 1) {
    const token = argv[index];
    if (token === '-h') {
      parsed.flags.help = true;
    } else if (token.startsWith('--')) {
      const [name, inlineValue] = token.slice(2).split(/=(.*)/s, 2);
      if (!/^[a-z][a-z-]*$/.test(name)) throw new UsageError(`bad option '${token}'`);
      if (booleanFlags.has(name)) {
        if (inlineValue !== undefined) throw new UsageError(`--${name} takes no value`);
        parsed.flags[name] = true;
      } else {
        const value = inlineValue ?? argv[++index];
        if (value === undefined || (inlineValue === undefined && value.startsWith('--'))) {
          throw new UsageError(`--${name} needs a value`);
        }
        parsed.flags[name] = value;
      }
    } else if (token.startsWith('-') && token !== '-') {
      throw new UsageError(`unknown option '${token}'`);
    } else if (parsed.command === null) {
      parsed.command = token;
    } else {
      parsed.positionals.push(token);
    }
  }
  return parsed;
}
