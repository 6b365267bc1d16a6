/** Stubs of task states for aws-local-stepfunctions runs of the ETL state machine (tests only). */

/** A stubbed task: its input in, its result (or a thrown error) out. */
export type Handler = (input: unknown) => unknown;

/** An error a stubbed task throws, named as Step Functions names it (`States.TaskFailed`, `Glue.X`...). */
export function taskError(name: string, message = name): Error {
    const error = new Error(message);
    error.name = name;
    return error;
}

/**
 * A factory of stubs that record their inputs in `calls[name]` and answer with `result(input, n)`, `n` being the
 * call's number (1 for the first), so a test asserts what each state received and how often it ran.
 */
export function recorder(calls: Record<string, unknown[]>) {
    return (name: string, result: (input: unknown, n: number) => unknown): Handler =>
        (input) => {
            calls[name] ??= [];
            calls[name].push(input);
            return result(input, calls[name].length);
        };
}
