// The dispatch service's hint when RabbitMQ refuses its login: the settings
// to fix, by their names, and the user name it logged in as (the password
// never shown), on the fake broker refusing every login.
import assert from "node:assert/strict";
import { withLogRecords } from "../_fakes/log_records.ts";
import { advanceUntilTrue, FakesScene } from "./_in_process_service.ts";

Deno.test({
  name:
    "dispatch service: a refused RabbitMQ login names RABBIT_USERNAME and RABBIT_PASSWORD and the user name, not the password",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  await using scene = await FakesScene.start();
  scene.broker.refuseLogin = true;
  await withLogRecords(async (records) => {
    const refused = () =>
      records.filter((r) =>
        r.level === "error" &&
        r.message.join("").includes("RabbitMQ refused the login")
      );
    const service = scene.service("1", {
      RABBIT_USERNAME: "producer",
      RABBIT_PASSWORD: "hunter2",
    });
    await scene.run(service, () =>
      advanceUntilTrue(
        scene.scheduler,
        () => refused().length > 0,
        "the login refused",
      ));
    const text = refused()[0]!.message.join("");
    assert.match(
      text,
      /: set RABBIT_USERNAME and RABBIT_PASSWORD to a user of the broker \(RABBIT_USERNAME is "producer"\);/,
    );
    assert.ok(!text.includes("hunter2"), text);
  });
});
