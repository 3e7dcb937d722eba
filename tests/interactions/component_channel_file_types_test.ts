// A channel select's channel types and a file upload's file types follow
// the same rules as a channel option's and an attachment option's: one
// check each, so a value one refuses the other refuses too.
import assert from "node:assert/strict";
import { attachment, channel } from "../../interactions/commands.ts";
import { channelSelect } from "../../interactions/components.ts";
import { fileUpload } from "../../interactions/modal_components.ts";
import type { ChannelType } from "../../types/objects/channel.ts";
import { refused } from "./_refused.ts";

Deno.test("a channel select refuses channel types a channel option refuses", () => {
  for (const bad of [99, "text"] as unknown as ChannelType[]) {
    assert.throws(() => channel({ description: "d", channelTypes: [bad] }));
    refused(
      () => channelSelect({ id: "c", channelTypes: [bad] }),
      RangeError,
      /Cannot define channel select as 'channelTypes' must hold only channel types/,
    );
  }
  refused(
    () => channelSelect({ id: "c", channelTypes: 0 as unknown as [] }),
    TypeError,
    /'channelTypes' must be an array of channel types/,
  );
  assert.deepEqual(
    channelSelect({ id: "c", channelTypes: [0, 2] }).channel_types,
    [0, 2],
  );
});

Deno.test("a file upload refuses file types an attachment option refuses", () => {
  for (const bad of [".tar.gz", "./x", ".a\\b", ". pdf", ".a/b"]) {
    assert.throws(() => attachment({ description: "d", fileTypes: [bad] }));
    refused(
      () => fileUpload({ id: "f", fileTypes: [bad] }),
      RangeError,
      /'fileTypes' entries must be 'image', 'video', 'audio' or a dot-prefixed extension/,
    );
  }
  assert.deepEqual(
    fileUpload({ id: "f", fileTypes: ["image", ".gz"] }).file_types,
    ["image", ".gz"],
  );
});
