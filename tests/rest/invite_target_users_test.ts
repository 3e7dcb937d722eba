/**
 * An invite's target users: created with a channel invite or replaced as
 * the multipart part `target_users_file` (a CSV file the library writes
 * from user IDs, or the caller's own), read back from Discord's CSV answer
 * (a hostile one refused with a typed error), the processing job's status
 * typed, and Discord's `{ target_users_file: [...] }` 400 readable.
 */
import assert from "node:assert/strict";
import {
  createChannelInvite,
  DiscordApiError,
  type FileUpload,
  getInviteTargetUsers,
  getInviteTargetUsersJobStatus,
  type InviteRole,
  type InviteTargetUsersJob,
  InviteTargetUsersJobStatus,
  type InviteWithMetadata,
  ResponseTooLargeError,
  RestClient,
  RestError,
  TargetUsersCsvError,
  updateInviteTargetUsers,
  UploadError,
} from "../../rest/mod.ts";
import { multipartBody, prepareUploads } from "../../rest/uploads.ts";
import {
  type MultipartPart,
  multipartParts,
} from "../../testing/_multipart_parts.ts";

const CHANNEL = "100000000000000002";
const ROLE = "100000000000000003";
const ALICE = "111111111111111111";
const BOB = "222222222222222222";

/** What one request carried, as Discord would read it. */
interface Sent {
  method: string;
  url: string;
  headers: Headers;
  /** The raw body. */
  raw: Uint8Array;
  /** The multipart parts, for a `multipart/form-data` body. */
  parts: MultipartPart[] | undefined;
}

/**
 * A client whose `fetch` records each request and answers with `answer`
 * (a 200 `{}` by default), as Discord would.
 */
function client(
  answer: () => Response = () => Response.json({}),
  options: { maxResponseBytes?: number } = {},
): { rest: RestClient; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    const raw = new Uint8Array(await request.arrayBuffer());
    const type = request.headers.get("content-type") ?? "";
    sent.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      raw,
      parts: type.startsWith("multipart/form-data")
        ? multipartParts(raw, type)
        : undefined,
    });
    return answer();
  };
  return {
    rest: new RestClient({ token: "tok", fetch, maxRetries: 0, ...options }),
    sent,
  };
}

/** A part's fields as a test compares them, its data as text. */
function part(p: MultipartPart): Record<string, unknown> {
  return {
    field: p.field,
    filename: p.filename,
    contentType: p.contentType,
    text: new TextDecoder().decode(p.data),
  };
}

const BASE = "https://discord.com/api/v10";

Deno.test("createChannelInvite without target users sends the same JSON body as before", async () => {
  const { rest, sent } = client();
  const body = { max_age: 0, unique: true, role_ids: [ROLE] };
  await createChannelInvite(rest, CHANNEL, body, { reason: "party" });
  assert.equal(sent.length, 1);
  assert.equal(sent[0]!.method, "POST");
  assert.equal(sent[0]!.url, `${BASE}/channels/${CHANNEL}/invites`);
  assert.equal(sent[0]!.headers.get("content-type"), "application/json");
  assert.equal(sent[0]!.headers.get("x-audit-log-reason"), "party");
  assert.equal(
    new TextDecoder().decode(sent[0]!.raw),
    JSON.stringify(body),
  );
  // No body at all is still Discord's required `{}`.
  await createChannelInvite(rest, CHANNEL);
  assert.equal(new TextDecoder().decode(sent[1]!.raw), "{}");
});

Deno.test("createChannelInvite with user IDs sends them as the CSV part target_users_file and the other fields as payload_json", async () => {
  const { rest, sent } = client();
  await createChannelInvite(rest, CHANNEL, {
    max_age: 3600,
    max_uses: 2,
    role_ids: [ROLE],
    target_users_file: [ALICE, BOB],
  }, { reason: "vip night" });
  assert.equal(sent.length, 1);
  const { method, url, headers, parts } = sent[0]!;
  assert.equal(method, "POST");
  assert.equal(url, `${BASE}/channels/${CHANNEL}/invites`);
  assert.match(
    headers.get("content-type")!,
    /^multipart\/form-data; boundary=/,
  );
  assert.equal(headers.get("x-audit-log-reason"), "vip%20night");
  assert.equal(headers.get("authorization"), "Bot tok");
  assert.deepEqual(parts!.map(part), [
    {
      field: "payload_json",
      filename: undefined,
      contentType: undefined,
      // The rest of the body as it is: no `attachments` (no message), no
      // `target_users_file`.
      text: JSON.stringify({ max_age: 3600, max_uses: 2, role_ids: [ROLE] }),
    },
    {
      field: "target_users_file",
      filename: "target_users.csv",
      contentType: "text/csv",
      text: `user_id\n${ALICE}\n${BOB}\n`,
    },
  ]);
});

Deno.test("createChannelInvite with the caller's own CSV file sends it as target_users_file, text/csv unless it says otherwise", async () => {
  const { rest, sent } = client();
  const csv = `user_id\r\n${ALICE}\r\n`;
  const files: [FileUpload, string][] = [
    [{ name: "vips", data: csv }, "text/csv"],
    [{ name: "vips.csv", data: new Blob([csv]) }, "text/csv"],
    [{ name: "vips.csv", data: new TextEncoder().encode(csv) }, "text/csv"],
    [{ name: "vips.txt", data: csv, contentType: "text/plain" }, "text/plain"],
    [{ name: "vips.csv", data: new Blob([csv]).stream() }, "text/csv"],
  ];
  for (const [file, type] of files) {
    await createChannelInvite(rest, CHANNEL, { target_users_file: file });
    assert.deepEqual(sent.at(-1)!.parts!.map(part), [
      {
        field: "payload_json",
        filename: undefined,
        contentType: undefined,
        text: "{}",
      },
      {
        field: "target_users_file",
        filename: file.name,
        contentType: type,
        text: csv,
      },
    ]);
  }
});

Deno.test("updateInviteTargetUsers PUTs only the part target_users_file, the code encoded", async () => {
  const { rest, sent } = client(() => new Response(null, { status: 204 }));
  const answer = await updateInviteTargetUsers(rest, "a b/c", [BOB, ALICE]);
  assert.equal(answer, undefined);
  const { method, url, headers, parts } = sent[0]!;
  assert.equal(method, "PUT");
  assert.equal(url, `${BASE}/invites/a%20b%2Fc/target-users`);
  assert.equal(headers.get("x-audit-log-reason"), null);
  assert.deepEqual(parts!.map(part), [{
    field: "target_users_file",
    filename: "target_users.csv",
    contentType: "text/csv",
    text: `user_id\n${BOB}\n${ALICE}\n`,
  }]);
});

Deno.test("target users that are not a list of snowflakes nor a file are refused before anything is sent", async () => {
  const { rest, sent } = client();
  const cases: [unknown, RegExp][] = [
    [
      [],
      /^Cannot (create channel invite|update invite target users) as 'target_users_file' must list at least one user ID: current count '0'$/,
    ],
    [
      [ALICE, "12a"],
      /^Cannot (create channel invite|update invite target users) as 'target_users_file\[1\]' must be a snowflake string: current value 'target_users_file\[1\]=12a'$/,
    ],
    [
      [ALICE, 123],
      /as 'target_users_file\[1\]' must be a snowflake string: current value 'target_users_file\[1\]=number'$/,
    ],
    [
      "111111111111111111",
      /as 'target_users_file' must be an array of user IDs or a file \(\{ name, data \}\): current type 'string'$/,
    ],
    [null, /current type 'null'$/],
  ];
  for (const [users, message] of cases) {
    await assert.rejects(
      createChannelInvite(rest, CHANNEL, {
        target_users_file: users as string[],
      }),
      (error: unknown) =>
        error instanceof TypeError && message.test(error.message),
    );
    await assert.rejects(
      updateInviteTargetUsers(rest, "abc", users as string[]),
      (error: unknown) =>
        error instanceof TypeError && message.test(error.message),
    );
  }
  // A file the upload checks refuse: no name, over the 10 MiB limit.
  await assert.rejects(
    updateInviteTargetUsers(rest, "abc", { name: "", data: "user_id\n" }),
    UploadError,
  );
  await assert.rejects(
    createChannelInvite(rest, CHANNEL, {
      target_users_file: {
        name: "huge.csv",
        data: new Uint8Array(10 * 1024 * 1024 + 1),
      },
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      /'huge\.csv'.*exceeds/.test(error.message),
  );
  assert.equal(sent.length, 0, "nothing was sent");
});

Deno.test("target users with holes are refused unsent, naming the hole: not written as blank lines of the CSV file", async () => {
  const { rest, sent } = client();
  const cases: [string[], string][] = [
    // deno-lint-ignore no-sparse-arrays
    [[ALICE, , BOB] as string[], "1"],
    [new Array(2), "0"],
  ];
  for (const [users, index] of cases) {
    const message =
      `as 'target_users_file[${index}]' must be a snowflake string: current value 'target_users_file[${index}]=undefined'`;
    await assert.rejects(
      createChannelInvite(rest, CHANNEL, { target_users_file: users }),
      (error: unknown) =>
        error instanceof TypeError && error.message.endsWith(message),
    );
    await assert.rejects(
      updateInviteTargetUsers(rest, "abc", users),
      (error: unknown) =>
        error instanceof TypeError && error.message.endsWith(message),
    );
  }
  assert.deepEqual(sent.map((request) => part(request.parts![0]!)), []);
});

Deno.test("a route with its own file field takes one file: two are refused unsent", async () => {
  const { rest, sent } = client();
  await assert.rejects(
    rest.request("PUT", "/invites/abc/target-users", {
      files: [{ name: "a.csv", data: "user_id\n" }, {
        name: "b.csv",
        data: "user_id\n",
      }],
    }),
    (error: unknown) =>
      error instanceof UploadError &&
      error.message ===
        "Cannot upload files as the route takes one file, as 'target_users_file': current count '2'",
  );
  assert.equal(sent.length, 0);
});

Deno.test("the request size counted for a target_users_file body is the serialized body's, with and without payload_json", async () => {
  for (const payload of [{ max_age: 0, role_ids: [ROLE] }, undefined]) {
    const files: FileUpload[] = [{
      name: 'v"ip.csv',
      data: `user_id\n${ALICE}\n`,
    }];
    const request = { payload, fileField: "target_users_file" };
    const extra = await prepareUploads(files, { maxRequestSize: 1, request })
      .then(
        () => assert.fail("fitted in 1 byte"),
        (error: Error) =>
          Number(/ by (\d+) bytes:/.exec(error.message)![1]) + 1,
      );
    const whole = extra + `user_id\n${ALICE}\n`.length;
    const prepared = await prepareUploads(files, {
      maxRequestSize: whole,
      request,
    });
    const form = multipartBody(payload, prepared, request);
    const body = await new Request("http://x/", { method: "POST", body: form })
      .arrayBuffer();
    assert.equal(body.byteLength, whole, JSON.stringify(payload));
    await assert.rejects(
      prepareUploads(files, { maxRequestSize: whole - 1, request }),
      / by 1 bytes: /,
    );
  }
});

Deno.test("a message's files are still files[n] with their attachments: the invite field is its routes' alone", async () => {
  const { rest, sent } = client();
  await rest.request("POST", `/channels/${CHANNEL}/messages`, {
    body: { content: "hi" },
    files: [{ name: "a.csv", data: "x" }],
  });
  assert.deepEqual(sent[0]!.parts!.map(part), [
    {
      field: "payload_json",
      filename: undefined,
      contentType: undefined,
      text: JSON.stringify({
        content: "hi",
        attachments: [{ id: 0, filename: "a.csv" }],
      }),
    },
    {
      field: "files[0]",
      filename: "a.csv",
      contentType: "text/csv",
      text: "x",
    },
  ]);
});

Deno.test("getInviteTargetUsers reads Discord's CSV answer into the user IDs", async () => {
  const answers: [string, string[]][] = [
    [`user_id\n${ALICE}\n${BOB}\n`, [ALICE, BOB]],
    // CRLF, blank lines, spaces and CSV quotes are taken.
    [`user_id\r\n\r\n ${ALICE} \r\n"${BOB}"\r\n\r\n`, [ALICE, BOB]],
    [`\uFEFF"user_id"\n${ALICE}`, [ALICE]],
    ["user_id\n", []],
    // No line at all: no user.
    ["", []],
  ];
  for (const [csv, ids] of answers) {
    const { rest, sent } = client(() =>
      new Response(csv, { headers: { "content-type": "text/csv" } })
    );
    assert.deepEqual(await getInviteTargetUsers(rest, "abc"), ids);
    assert.equal(sent[0]!.method, "GET");
    assert.equal(sent[0]!.url, `${BASE}/invites/abc/target-users`);
    assert.equal(sent[0]!.raw.byteLength, 0);
  }
});

Deno.test("a hostile target users answer is refused with a TargetUsersCsvError naming the line", async () => {
  const cases: [string, number, string][] = [
    ["id\n111\n", 1, "line 1 must be the header 'user_id': current value 'id'"],
    [
      `{"user_ids": ["${ALICE}"]}`,
      1,
      // Longer than a snowflake and not digits: it may be a token.
      "line 1 must be the header 'user_id': current value is a 36-character string (not shown: it may be a token)",
    ],
    [
      `${ALICE}\n${BOB}\n`,
      1,
      `line 1 must be the header 'user_id': current value '${ALICE}'`,
    ],
    [
      `user_id\n${ALICE}\n\nnot-an-id\n`,
      4,
      "line 4 must be a user ID (a snowflake, 1 to 20 digits): current value 'not-an-id'",
    ],
    [
      "user_id\n1,2\n",
      2,
      "line 2 must be a user ID (a snowflake, 1 to 20 digits): current value '1,2'",
    ],
    [
      `user_id\n${ALICE},${BOB}\n`,
      2,
      "line 2 must be a user ID (a snowflake, 1 to 20 digits): current value is a 37-character string (not shown: it may be a token)",
    ],
    [
      `user_id\n${"9".repeat(21)}\n`,
      2,
      `line 2 must be a user ID (a snowflake, 1 to 20 digits): current value '${
        "9".repeat(21)
      }'`,
    ],
    [
      `user_id\n${"x".repeat(70)}\n`,
      2,
      "line 2 must be a user ID (a snowflake, 1 to 20 digits): current value is a 70-character string (not shown: it may be a token)",
    ],
  ];
  for (const [csv, line, detail] of cases) {
    const { rest } = client(() => new Response(csv));
    const error = await getInviteTargetUsers(rest, "abc").then(
      () => assert.fail(`took ${JSON.stringify(csv)}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TargetUsersCsvError, String(error));
    assert.ok(error instanceof RestError);
    assert.equal(error.line, line);
    assert.equal(error.method, "GET");
    assert.equal(error.path, "/invites/abc/target-users");
    assert.equal(
      error.message,
      `GET /invites/abc/target-users answered a body that is not the CSV file of user IDs its docs describe: ${detail}`,
    );
  }
});

Deno.test("a target users answer over maxResponseBytes is refused unread, and an error answer stays a DiscordApiError", async () => {
  const huge = `user_id\n${`${ALICE}\n`.repeat(1000)}`;
  const { rest } = client(() => new Response(huge), { maxResponseBytes: 4096 });
  await assert.rejects(
    getInviteTargetUsers(rest, "abc"),
    (error: unknown) =>
      error instanceof ResponseTooLargeError && error.status === 200,
  );
  const missing = client(() =>
    Response.json({ message: "Unknown Invite", code: 10006 }, { status: 404 })
  );
  await assert.rejects(
    getInviteTargetUsers(missing.rest, "abc"),
    (error: unknown) =>
      error instanceof DiscordApiError && error.code === 10006 &&
      error.status === 404,
  );
});

Deno.test("only the target users route answers text: another route's non-JSON 200 still fails", async () => {
  const { rest } = client(() => new Response("user_id\n"));
  await assert.rejects(
    getInviteTargetUsersJobStatus(rest, "abc"),
    (error: unknown) =>
      error instanceof RestError &&
      error.message ===
        "GET /invites/abc/target-users/job-status answered 200 with a body that is not JSON",
  );
});

Deno.test("getInviteTargetUsersJobStatus gets the job, typed with its status codes", async () => {
  const job: InviteTargetUsersJob = {
    status: 3,
    total_users: 100,
    processed_users: 41,
    created_at: "2025-01-08T12:00:00.000000+00:00",
    completed_at: null,
    error_message: "Failed to parse CSV file",
  };
  const { rest, sent } = client(() => Response.json(job));
  const answer = await getInviteTargetUsersJobStatus(rest, "abc");
  assert.deepEqual(answer, job);
  assert.equal(answer.status, InviteTargetUsersJobStatus.Failed);
  assert.equal(sent[0]!.method, "GET");
  assert.equal(sent[0]!.url, `${BASE}/invites/abc/target-users/job-status`);
  assert.deepEqual(InviteTargetUsersJobStatus, {
    Unspecified: 0,
    Processing: 1,
    Completed: 2,
    Failed: 3,
  });
  // @ts-expect-error the docs list statuses 0 to 3
  const _unknown: InviteTargetUsersJob["status"] = 4;
});

Deno.test("Update Target Users' 400 lists each invalid line in the DiscordApiError", async () => {
  const body = {
    target_users_file: [
      "Line 5: invalid user ID - must be a valid Discord snowflake",
      "Line 6: invalid user ID format",
    ],
  };
  const { rest } = client(() => Response.json(body, { status: 400 }));
  const error = await updateInviteTargetUsers(rest, "abc", [ALICE]).then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DiscordApiError);
  assert.equal(error.status, 400);
  assert.equal(error.code, 0);
  assert.equal(error.jsonBody, true);
  assert.deepEqual(error.fieldErrors, [
    { path: "target_users_file", code: "", message: body.target_users_file[0] },
    { path: "target_users_file", code: "", message: body.target_users_file[1] },
  ]);
  assert.equal(
    error.message,
    "PUT /invites/abc/target-users failed with 400: HTTP 400 (no code)" +
      `\n  target_users_file: ${body.target_users_file[0]}` +
      `\n  target_users_file: ${body.target_users_file[1]}`,
  );
});

Deno.test("a field-list error body is bounded: at most 50 lines kept, the rest counted, non-lists skipped", async () => {
  const body = {
    target_users_file: Array.from({ length: 60 }, (_, i) => `Line ${i}: bad`),
    note: "not a list",
    other: [{ toString: 1 }],
  };
  const { rest } = client(() => Response.json(body, { status: 400 }));
  const error = await updateInviteTargetUsers(rest, "abc", [ALICE]).then(
    () => assert.fail("resolved"),
    (e: unknown) => e as DiscordApiError,
  );
  assert.equal(error.fieldErrors.length, 50);
  assert.equal(error.fieldErrorsOmitted, 11);
  assert.match(error.message, /\n {2}\(11 more field errors left out\)$/);
  // Discord's usual body keeps its tree reading: its `message` is no field.
  const usual = client(() =>
    Response.json({ code: 50035, message: "Invalid Form Body" }, {
      status: 400,
    })
  );
  const plain = await updateInviteTargetUsers(usual.rest, "abc", [ALICE])
    .then(() => assert.fail("resolved"), (e: unknown) => e as DiscordApiError);
  assert.deepEqual(plain.fieldErrors, []);
  assert.equal(
    plain.message,
    "PUT /invites/abc/target-users failed with 400: Invalid Form Body (code 50035)",
  );
});

Deno.test("an invite's roles are the partial role the docs describe", () => {
  const role = {
    id: ROLE,
    name: "VIP",
    position: 3,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    icon: null,
    unicode_emoji: null,
  };
  const roles: NonNullable<InviteWithMetadata["roles"]> = [role];
  const _typed: InviteRole[] = roles;
  assert.equal(roles[0]!.name, "VIP");
  // @ts-expect-error the partial role has no permissions
  const _permissions = roles[0]!.permissions;
});

Deno.test("rest.request on the target users route resolves with the CSV text, as Discord sent it", async () => {
  const csv = `user_id\r\n${ALICE}\r\n`;
  const { rest } = client(() => new Response(csv));
  assert.equal(await rest.request("GET", "/invites/abc/target-users"), csv);
  assert.equal(
    await rest.request("GET", "/invites/abc/target-users?x=1"),
    csv,
  );
});
