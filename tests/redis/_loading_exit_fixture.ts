/**
 * connectRedis against a server still loading its data, in a subprocess
 * run by tests/redis/connection_test.ts: prints `rejected: <message>` once
 * connectRedis has rejected and the fake is closed; the process should exit
 * right after.
 */
import { connectRedis } from "../../redis/connection.ts";
import { respFake, workingRedis } from "./_resp_fake.ts";

const fake = respFake((command) => {
  if (command[0]?.toUpperCase() !== "INFO") return workingRedis(command);
  const body = "# Persistence\r\nloading:1\r\nloading_eta_seconds:8\r\n";
  return `$${body.length}\r\n${body}\r\n`;
});
let outcome: string;
try {
  await connectRedis({
    url: `redis://127.0.0.1:${fake.port}`,
    // Room for a cold process on a loaded machine to get the first INFO
    // answer (200 ms timed out first there, before it read "loading"); the
    // timer that lingered was ioredis's 8 s wait (loading_eta_seconds), so
    // a rejection at 2 s still leaves 6 s of it for the test to see.
    connectTimeout: 2_000,
  });
  outcome = "connected";
} catch (error) {
  outcome = `rejected: ${(error as Error).message}`;
}
await fake.close();
// deno-lint-ignore no-console -- read by the test
console.log(outcome);
