/**
 * Exit codes and the planned exit. Exit codes: 0 ok; 1 refused (validation, conflict, weak
 * password, …); 2 usage error; 3 database unreachable, missing or not migrated; 130 interrupted.
 */

/** The codes {@link run} resolves to, for scripts. */
export const exitCodes = { ok: 0, refused: 1, usage: 2, database: 3, interrupted: 130 } as const;

/** A planned exit: the message is for people, the code for scripts. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
    /**
     * Print the usage of this command after the message (usage errors); `''` prints the main
     * usage. A name rather than the text, so commands need not import the command table.
     */
    readonly usageOf?: string,
  ) {
    super(message);
  }
}
