/**
 * The demo's progress display on stderr: one redrawn bar line on a terminal, plain lines otherwise (CI logs, pipes).
 */

export interface Progress {
    /** A new stage; `total` when it has a known size. */
    stage(name: string, total?: number): void;
    /** Progress inside the stage (absolute count). */
    update(done: number, detail?: string): void;
    /** The stage is done, with a short summary. */
    done(summary: string): void;
}

const WIDTH = 28;

export function createProgress(
    stream: NodeJS.WriteStream | { write(text: string): unknown; isTTY?: boolean },
): Progress {
    const tty = Boolean((stream as NodeJS.WriteStream).isTTY);
    let name = "";
    let total: number | undefined;
    let started = Date.now();
    let lastPlain = 0;
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    const draw = (done: number, detail = "") => {
        const ratio = total ? Math.min(1, done / total) : undefined;
        const bar = ratio === undefined ? "" : `[${"#".repeat(Math.round(ratio * WIDTH)).padEnd(WIDTH, ".")}] `;
        const count = total ? `${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")}` : "";
        return `${name.padEnd(22)} ${bar}${count}${detail ? ` ${detail}` : ""} ${seconds()} s`;
    };
    return {
        stage(next, size) {
            name = next;
            total = size;
            started = Date.now();
            lastPlain = 0;
            if (!tty) stream.write(`${name}…\n`);
            else stream.write(`\r\x1b[K${draw(0)}`);
        },
        update(done, detail) {
            if (tty) stream.write(`\r\x1b[K${draw(done, detail)}`);
            else if (Date.now() - lastPlain > 5000) {
                // Plain text: at most a line every 5 s.
                lastPlain = Date.now();
                stream.write(`  ${draw(done, detail)}\n`);
            }
        },
        done(summary) {
            const line = `${name.padEnd(22)} done: ${summary} (${seconds()} s)`;
            stream.write(tty ? `\r\x1b[K${line}\n` : `  ${line}\n`);
        },
    };
}

/** A progress that shows nothing (tests). */
export const silentProgress: Progress = { stage() {}, update() {}, done() {} };
