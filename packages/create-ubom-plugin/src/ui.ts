import { cancel, intro, log, note, outro } from '@clack/prompts';

/** What the scaffolder tells the user: clack's frame in a terminal, plain lines otherwise. */
export interface Ui {
  intro(): void;
  step(message: string): void;
  warn(message: string): void;
  /** A refusal: what is wrong with the command, and where the help is. */
  error(message: string): void;
  /** A failure after the files were written (the install): the message says what to do. */
  fail(message: string): void;
  cancel(message: string): void;
  done(nextSteps: string[]): void;
}

export const clackUi: Ui = {
  intro: () => intro('create-ubom-plugin'),
  step: (message) => log.step(message),
  warn: (message) => log.warn(message),
  error: (message) => cancel(message),
  fail: (message) => cancel(message),
  cancel: (message) => cancel(message),
  done: (nextSteps) => {
    note(nextSteps.join('\n'), 'Next steps');
    outro('Happy hacking!');
  },
};

export function plainUi(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Ui {
  const out = (text: string) => stdout.write(`${text}\n`);
  const err = (text: string) => stderr.write(`${text}\n`);
  return {
    intro: () => {},
    step: out,
    warn: (message) => err(`warning: ${message}`),
    error: (message) =>
      err(`create-ubom-plugin: ${message}\nRun create-ubom-plugin --help to see the options.`),
    fail: (message) => err(`create-ubom-plugin: ${message}`),
    cancel: (message) => err(message),
    done: (nextSteps) => out(`\nNext steps:\n${nextSteps.map((s) => `  ${s}`).join('\n')}`),
  };
}
