/**
 * Invite routes by code.
 *
 * @module
 */
import type { RestClient } from "../rest_client.ts";
import {
  type AuditedRouteOptions,
  auditedRouteOptions,
  type RouteOptions,
  routeOptions,
  segment,
} from "./_route.ts";
import type { Snowflake } from "../../types/gateway_payloads.ts";
import type {
  Invite,
  InviteTargetUsersJob,
} from "../../types/objects/invite.ts";
import {
  type InviteTargetUsers,
  parseTargetUsersCsv,
  targetUsersFile,
} from "./_target_users.ts";

export type { InviteTargetUsers };

/**
 * Get an invite (`GET /invites/{code}`).
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param query Query parameters.
 * @param options Signal.
 * @returns Discord's answer.
 */
export async function getInvite(
  rest: RestClient,
  code: string,
  query: { with_counts?: boolean; guild_scheduled_event_id?: Snowflake } = {},
  options: RouteOptions = {},
): Promise<Invite> {
  return await rest.request<Invite>(
    "GET",
    `/invites/${segment("code", code)}`,
    routeOptions(options, { query: { ...query } }),
  );
}

/**
 * Revoke an invite (`DELETE /invites/{code}`).
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param options Signal, audit-log reason.
 * @returns Discord's answer.
 */
export async function deleteInvite(
  rest: RestClient,
  code: string,
  options: AuditedRouteOptions = {},
): Promise<Invite> {
  return await rest.request<Invite>(
    "DELETE",
    `/invites/${segment("code", code)}`,
    auditedRouteOptions(options),
  );
}

/**
 * Get the users who alone may see and accept an invite
 * (`GET /invites/{code}/target-users`). Discord answers with a CSV file,
 * the header `user_id` and one ID a line, read here into the IDs (within
 * the client's `maxResponseBytes`, as every answer). Needs the caller to be
 * the inviter, or MANAGE_GUILD, or VIEW_AUDIT_LOG.
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param options Signal.
 * @returns The user IDs, in the file's order (none for an empty answer).
 * @throws {TargetUsersCsvError} When the answer is not that CSV file (its
 *   first line is not `user_id`, or a later one is no user ID).
 * @throws {ResponseTooLargeError} When it is over `maxResponseBytes`.
 *
 * @example Usage
 * ```ts
 * import { getInviteTargetUsers, RestClient } from "@disruption/disruption/rest";
 * import assert from "node:assert/strict";
 *
 * const csv = "user_id\r\n111111111111111111\r\n222222222222222222\r\n";
 * const fetch = (): Promise<Response> =>
 *   Promise.resolve(new Response(csv, { headers: { "content-type": "text/csv" } }));
 * const rest = new RestClient({ token: "t", fetch });
 * assert.deepEqual(await getInviteTargetUsers(rest, "abc"), [
 *   "111111111111111111",
 *   "222222222222222222",
 * ]);
 * ```
 */
export async function getInviteTargetUsers(
  rest: RestClient,
  code: string,
  options: RouteOptions = {},
): Promise<Snowflake[]> {
  const path = `/invites/${segment("code", code)}/target-users`;
  // The client answers this route with its text (`answersText`).
  const text = await rest.request<string | undefined>(
    "GET",
    path,
    routeOptions(options),
  );
  return parseTargetUsersCsv(text ?? "", "GET", path);
}

/**
 * Replace the users who alone may see and accept an invite
 * (`PUT /invites/{code}/target-users`): sent as `multipart/form-data`, the
 * users as the CSV file `target_users_file`. Discord reads the file
 * asynchronously: {@linkcode getInviteTargetUsersJobStatus} tells how it
 * went. A file with an invalid user ID is answered 400, each fault a
 * field error of the `DiscordApiError` (`target_users_file: Line 5:
 * invalid user ID format`). Needs the caller to be the inviter or
 * MANAGE_GUILD.
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param users The user IDs (written as the CSV file, header `user_id`),
 *   or a CSV file of one's own (`text/csv` unless it says otherwise).
 * @param options Signal.
 * @returns Discord's answer (its docs describe none).
 * @throws {TypeError} Before anything is sent, when `users` is an empty
 *   list, holds an ID that is not a snowflake string, or is neither a list
 *   nor a file.
 * @throws {UploadError} When the file is over 10 MiB or cannot be read.
 *
 * @example Usage
 * ```ts
 * import { RestClient, updateInviteTargetUsers } from "@disruption/disruption/rest";
 * import { FakeRest } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const discord = new FakeRest({ token: "t" });
 * const rest = new RestClient({ token: "t", fetch: discord.fetch });
 * // The fake models no invites: it answers 404, after recording the request.
 * await updateInviteTargetUsers(rest, "abc", ["111111111111111111"]).catch(() => {});
 * const [file] = discord.requests.at(-1)!.files!;
 * assert.equal(file!.field, "target_users_file");
 * assert.equal(new TextDecoder().decode(file!.data), "user_id\n111111111111111111\n");
 * ```
 */
export async function updateInviteTargetUsers(
  rest: RestClient,
  code: string,
  users: InviteTargetUsers,
  options: RouteOptions = {},
): Promise<unknown> {
  const path = `/invites/${segment("code", code)}/target-users`;
  const file = targetUsersFile("update invite target users", users);
  // The client sends this route's file as `target_users_file`
  // (`namedFileField`), with an empty `payload_json`.
  return await rest.request<unknown>(
    "PUT",
    path,
    { ...routeOptions(options), files: [file] },
  );
}

/**
 * Get the state of the job that reads an invite's target users from the
 * file sent when it was created or updated
 * (`GET /invites/{code}/target-users/job-status`). Needs the caller to be
 * the inviter, or MANAGE_GUILD, or VIEW_AUDIT_LOG.
 *
 * @param rest The REST client.
 * @param code The invite code.
 * @param options Signal.
 * @returns The job: its status (see `InviteTargetUsersJobStatus`), counts,
 *   times and, when it failed, why.
 *
 * @example Wait for the job
 * ```ts
 * import { getInviteTargetUsersJobStatus, RestClient } from "@disruption/disruption/rest";
 * import { InviteTargetUsersJobStatus } from "@disruption/disruption/types";
 * import assert from "node:assert/strict";
 *
 * const job = {
 *   status: 2,
 *   total_users: 2,
 *   processed_users: 2,
 *   created_at: "2026-01-08T12:00:00.000000+00:00",
 *   completed_at: "2026-01-08T12:00:01.000000+00:00",
 *   error_message: null,
 * };
 * const fetch = (): Promise<Response> => Promise.resolve(Response.json(job));
 * const rest = new RestClient({ token: "t", fetch });
 * const answer = await getInviteTargetUsersJobStatus(rest, "abc");
 * assert.equal(answer.status, InviteTargetUsersJobStatus.Completed);
 * ```
 */
export async function getInviteTargetUsersJobStatus(
  rest: RestClient,
  code: string,
  options: RouteOptions = {},
): Promise<InviteTargetUsersJob> {
  return await rest.request<InviteTargetUsersJob>(
    "GET",
    `/invites/${segment("code", code)}/target-users/job-status`,
    routeOptions(options),
  );
}
