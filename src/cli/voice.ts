/**
 * One CLI voice: commander's errors rewritten as optlab's one line (`optlab: unknown option '--methd' (did
 * you mean '--method'?); see 'optlab run --help'`), and required options checked after unknown ones (so a
 * mistyped `--methd lbfgs` is reported as mistyped, not as a missing `--method`).
 */
import type { Command } from 'commander';
import { closest } from '../suggest.js';

function commandPath(c: Command): string {
  const names: string[] = [];
  for (let x: Command | null = c; x !== null; x = x.parent) names.unshift(x.name());
  return names.join(' ');
}

/**
 * A commander error message (`error: ...`, possibly on several lines) as one line in optlab's voice; `argv`
 * is what the program parses (to find the value given to a boolean flag).
 */
export function commanderMessage(raw: string, cmd: Command, argv: readonly string[] = process.argv): string {
  let m = raw
    .replace(/^error:\s*/, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
  // commander's own suggestions: (Did you mean --method?) → (did you mean '--method'?)
  m = m.replace(/\(Did you mean (?:one of )?([^)?]+)\?\)/, (_, s: string) => `(did you mean '${s.trim()}'?)`);
  // a value outside an option's choices
  m = m.replace(
    /^option '([^']+)' argument '([^']*)' is invalid\. Allowed choices are (.+)\.$/,
    (_, flags: string, value: string, list: string) => {
      const choices = list.split(', ');
      const near = closest(value, choices);
      const flag = flags.split(/[ ,]/)[0];
      return `${flag}: '${value}' is not one of ${choices.join(', ')}${near ? ` (did you mean '${near}'?)` : ''}`;
    },
  );
  // a value its parser refused: option '--step <s>' argument '-1' is invalid. expected ... → --step: expected ...
  m = m.replace(/^option '([^' ]+)[^']*' argument '[^']*' is invalid\. /, '$1: ');
  m = m.replace(/^command-argument value '([^']*)' is invalid for argument '([^']+)'\. /, "<$2> '$1': ");
  // an unknown command: "did you mean" by optlab's own rule (case and '-' ignored: `RUN` → 'run')
  m = m.replace(/^unknown command '([^']*)'$/, (all, name: string) => {
    const near = closest(
      name,
      cmd.commands.map((c) => c.name()),
    );
    return near === undefined ? all : `${all} (did you mean '${near}'?)`;
  });
  const flagTakesNoValue = (given: string, flag: string) =>
    `${flag} takes no value, got ${given} (write ${flag.replace(/^--no-/, '--')} or --no-${flag.replace(/^--(no-)?/, '')})`;
  const bools = new Set(cmd.options.filter((o) => !o.required && !o.optional && o.long).map((o) => o.long!));
  // `--nesterov=true`: commander reads it as an unknown option
  m = m.replace(/^unknown option '(--[^=']+)=([^']*)'$/, (all, flag: string, value: string) =>
    bools.has(flag) ? flagTakesNoValue(`'${value}' in '${flag}=${value}'`, flag) : all,
  );
  const tooMany = /^too many arguments(?: for '[^']+')?\. Expected (\d+) arguments? but got (\d+)\.$/.exec(m);
  if (tooMany) {
    const expected = Number(tooMany[1]);
    // the usual cause: a value after a boolean flag (`--nesterov true`)
    const i = argv.findIndex((a, k) => k > 0 && bools.has(argv[k - 1]) && !a.startsWith('-'));
    if (i > 0) m = flagTakesNoValue(`'${argv[i]}'`, argv[i - 1]);
    else {
      const takes = cmd.registeredArguments.map((a) => `<${a.name()}>`).join(' ');
      const extra = cmd.args.slice(expected).map((a) => `'${a}'`);
      const what = takes === '' ? 'takes no arguments' : `takes ${takes}`;
      m = `too many arguments: '${commandPath(cmd)}' ${what}, and ${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} extra`;
    }
  }
  return `${m}; see '${commandPath(cmd)} --help'`;
}

/**
 * Makes commander check required options after it has checked for unknown ones: the options' mandatory flag
 * is cleared and checked in a preAction hook instead (which runs after the unknown-option check).
 */
export function requireAfterUnknown(cmd: Command): void {
  const required = cmd.options.filter((o) => o.mandatory);
  if (required.length === 0) return;
  for (const o of required) o.mandatory = false;
  cmd.hook('preAction', (thisCommand) => {
    for (const o of required) {
      if (thisCommand.getOptionValue(o.attributeName()) === undefined)
        thisCommand.error(`required option '${o.flags}' not specified`, {
          code: 'commander.missingMandatoryOptionValue',
          exitCode: 2,
        });
    }
  });
}
