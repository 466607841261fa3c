import cliProgress from "cli-progress";

/**
 * Progress of long CLI work on stderr (stdout stays for the result, so `--json` output is untouched): a bar on a
 * terminal, and on anything else (CI logs, pipes) a plain line per stage and at most every 10 %.
 */
export interface Progress {
  update(stage: string, done: number, total: number): void;
  stop(): void;
}

export function progressReporter(stream: NodeJS.WriteStream = process.stderr, unit = "shots"): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: ` {stage} |{bar}| {percentage}% · {value}/{total} ${unit} · ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let stage = "";
    return {
      update(s, done, total) {
        if (s !== stage) {
          if (stage) bar.stop();
          stage = s;
          bar.start(total, done, { stage: s });
        } else bar.update(done, { stage: s });
      },
      stop() {
        if (stage) bar.stop();
      },
    };
  }
  let stage = "";
  let lastDecile = -1;
  return {
    update(s, done, total) {
      const decile = total > 0 ? Math.floor((10 * done) / total) : 10;
      if (s !== stage || decile > lastDecile) {
        stage = s;
        lastDecile = decile;
        stream.write(`${s}: ${done}/${total} ${unit} (${Math.round((100 * done) / Math.max(1, total))} %)\n`);
      }
    },
    stop() {},
  };
}
