// Real servers for tests (Redis, RabbitMQ): each is found through
// an environment variable that `.ci/run` sets after starting the server.
// The rule (BRIEF): a test needing a server is ignored when its variable is
// unset AND `CI` is unset; when `CI` is set it runs, and fails loudly if the
// variable is missing, so CI can never silently skip it.

/** Where a test server is, and whether its tests are ignored here. */
export interface TestServer {
  /** Pass to `Deno.test`'s `ignore`. */
  readonly ignore: boolean;
  /** The server's URL; throws when the variable is unset (only in CI). */
  readonly url: string;
}

function testServer(variable: string, what: string): TestServer {
  const value = Deno.env.get(variable);
  const ci = Deno.env.get("CI");
  return {
    ignore: value === undefined && ci === undefined,
    get url(): string {
      if (value === undefined) {
        throw new Error(
          `${what} tests need ${variable} (CI is set, so they may not be skipped): start the server, or run through .ci/run`,
        );
      }
      return value;
    },
  };
}

/** The Redis server for tests: `DISRUPTION_TEST_REDIS_URL`. */
export function testRedis(): TestServer {
  return testServer("DISRUPTION_TEST_REDIS_URL", "Redis");
}

/** The RabbitMQ server for tests: `DISRUPTION_TEST_AMQP_URL`. */
export function testAmqp(): TestServer {
  return testServer("DISRUPTION_TEST_AMQP_URL", "RabbitMQ");
}

/** `rabbitmqctl` against the test broker, for what AMQP cannot do. */
export interface TestRabbitmqctl {
  /** Pass to `Deno.test`'s `ignore`. */
  readonly ignore: boolean;
  /**
   * Run `rabbitmqctl` with `args` on the test broker's node.
   *
   * @returns Its standard output.
   * @throws {Error} When it fails (with its output), or when the
   * variables are unset (only in CI).
   */
  run(...args: string[]): Promise<string>;
}

/** Where Debian's rabbitmq-server package puts `rabbitmqctl`. */
const RABBITMQCTL = "/usr/lib/rabbitmq/bin/rabbitmqctl";

/**
 * The test broker's `rabbitmqctl`: `DISRUPTION_TEST_RABBITMQ_NODE` (its node
 * name) and `DISRUPTION_TEST_RABBITMQ_HOME` (the HOME holding its Erlang
 * cookie), both set by `.ci/services.sh`.
 */
export function testRabbitmqctl(): TestRabbitmqctl {
  const node = testServer("DISRUPTION_TEST_RABBITMQ_NODE", "rabbitmqctl");
  const home = testServer("DISRUPTION_TEST_RABBITMQ_HOME", "rabbitmqctl");
  return {
    ignore: node.ignore || home.ignore,
    async run(...args: string[]): Promise<string> {
      const output = await new Deno.Command(RABBITMQCTL, {
        args: ["-n", node.url, ...args],
        env: { HOME: home.url },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(output.stdout);
      if (!output.success) {
        throw new Error(
          `rabbitmqctl ${args.join(" ")} failed: ${text}${
            new TextDecoder().decode(output.stderr)
          }`,
        );
      }
      return text;
    },
  };
}
