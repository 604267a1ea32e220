/** A yes/no question on the user's terminal, for what must be confirmed before anything starts. */
import * as readline from 'readline';

/**
 * Asks on stderr and reads stdin; only "y" or "yes" is a yes. Undefined when
 * stdin or stderr is not a terminal: a script cannot answer, so the command
 * asks for the flag that confirms instead of starting on a guess.
 */
export function terminalConfirm(): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return (question) =>
    new Promise((resolve) => {
      const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
      // Ctrl-C at the prompt is a no: nothing has started.
      prompt.on('SIGINT', () => {
        prompt.close();
        resolve(false);
      });
      prompt.question(`${question} [y/N] `, (answer) => {
        prompt.close();
        resolve(/^(y|yes)$/i.test(answer.trim()));
      });
    });
}
