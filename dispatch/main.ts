/**
 * What the dispatch service's process does ({@linkcode runDispatchService}):
 * reads the configuration from the environment and `./.env`, starts the
 * service, and on SIGINT or SIGTERM closes every shard resumably, drains,
 * saves and exits. The process's entry point is the `./dispatch` entry
 * (`dispatch/mod.ts`), which calls it when run as the main module: one
 * entry point for `deno task dispatch`, the Dockerfile and
 * `deno run -A jsr:@disruption/disruption/dispatch`.
 *
 * @module
 */
import { errorText } from "../base/error_text.ts";
import { configure, getConsoleSink } from "@logtape/logtape";
import {
  ConfigError,
  type DispatchConfig,
  loadDispatchConfig,
  parseEnvFile,
} from "./config.ts";
import { DispatchService } from "./service.ts";

/**
 * Run the service until a signal; the process's exit code says how it ended
 * (0 after a clean stop, 1 on a configuration error or a failed start).
 *
 * @returns When the service has stopped.
 */
export async function runDispatchService(): Promise<void> {
  let fileVars: Record<string, string> = {};
  try {
    fileVars = parseEnvFile(await Deno.readTextFile(".env"), (line) => {
      // Before the log is configured: a skipped line may be the very
      // variable the configuration error below says is missing.
      // deno-lint-ignore no-console
      console.error(`.env line ${line} is not NAME=value; it is ignored`);
    });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      // A directory (`docker run -v ./.env:/app/.env` without the file
      // creates one) or a file the service's user cannot read: said as
      // the configuration error it is, not as a crash.
      // deno-lint-ignore no-console
      console.error(
        `Configuration error: cannot read .env: ${errorText(error)}`,
      );
      Deno.exit(1);
    }
  }
  let config: DispatchConfig;
  try {
    config = loadDispatchConfig({ ...fileVars, ...Deno.env.toObject() });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // deno-lint-ignore no-console
    console.error(`Configuration error: ${error.message}`);
    Deno.exit(1);
  }
  await configure({
    sinks: { console: getConsoleSink() },
    loggers: [
      {
        category: ["disruption"],
        lowestLevel: config.logLevel,
        sinks: ["console"],
      },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  let service: DispatchService;
  try {
    service = new DispatchService(config);
  } catch (error) {
    // A value load let through that a client's constructor refuses (a
    // TypeError or RangeError from the REST client, say): one line, as
    // every configuration error, not a stack.
    if (!(error instanceof TypeError || error instanceof RangeError)) {
      throw error;
    }
    // deno-lint-ignore no-console
    console.error(`Configuration error: ${error.message}`);
    Deno.exit(1);
  }
  let stopping: Promise<void> | undefined;
  const stop = (): void => {
    stopping ??= service.close().then(() => Deno.exit(0));
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    await service.start();
  } catch (error) {
    // deno-lint-ignore no-console
    console.error(
      error instanceof ConfigError
        ? `Configuration error: ${error.message}`
        : `Cannot start the dispatch service: ${errorText(error)}`,
    );
    await service.close().catch(() => {});
    Deno.exit(1);
  }
}
