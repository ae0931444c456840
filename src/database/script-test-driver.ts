import {
  failStep,
  Statement,
  StatementResult,
  StatementScript,
  stepStatements,
} from './statement-script';

/**
 * Unit tests' script driver: runs a script against `execute` (an in-memory double),
 * statement by statement, a failed statement reaching the script at its `yield` as the
 * real drivers deliver it. The application runs scripts only through
 * TransactionRunner.runScript (script-drivers.ts, mysql-script-driver.ts).
 */
export async function runScriptAgainst<T>(
  script: StatementScript<T>,
  execute: (statement: Statement) => Promise<StatementResult> | StatementResult,
): Promise<T> {
  let step = script.next();
  while (!step.done) {
    const results: StatementResult[] = [];
    try {
      for (const s of stepStatements(step.value)) results.push(await execute(s));
    } catch (err) {
      failStep(script, err);
    }
    step = script.next(results);
  }
  return step.value;
}
