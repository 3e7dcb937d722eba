// Interaction payloads and an HTTP interactions endpoint wired to a fake
// REST API, shared by the tests of tests/interactions/.
import type { InteractionError } from "../../interactions/errors.ts";
import { interactionsEndpoint } from "../../interactions/http_endpoint.ts";
import { InteractionRouter } from "../../interactions/router.ts";
import { RestClient } from "../../rest/rest_client.ts";
import { FakeRest } from "../../testing/fake_rest.ts";
import { InteractionSigner } from "../../testing/interaction_signer.ts";
import type { VirtualScheduler } from "../../testing/virtual_scheduler.ts";
import type { Interaction } from "../../types/objects/interaction.ts";

/** The user (id "2") who sends every interaction built here. */
export const INTERACTION_USER = {
  id: "2",
  username: "u",
  discriminator: "0",
  global_name: null,
  avatar: null,
};

/** Fields of {@link commandInteraction} a test sets itself. */
export interface InteractionFields {
  /** Name of the command in the default `data` ("ping"). */
  name?: string;
  id?: string;
  application_id?: string;
  token?: string;
  type?: number;
  data?: unknown;
  /** Any other field, added or overriding. */
  [field: string]: unknown;
}

/**
 * A slash-command interaction payload from {@link INTERACTION_USER}: id
 * "100", application "1000000000000000001", token "tok", data of command
 * `name` (default "ping"); any other field given overrides or adds.
 */
export function commandInteraction(
  { name = "ping", ...fields }: InteractionFields = {},
): Interaction {
  return {
    id: "100",
    application_id: "1000000000000000001",
    type: 2,
    token: "tok",
    version: 1,
    data: { id: "9", name, type: 1 },
    user: { ...INTERACTION_USER },
    app_permissions: "0",
    entitlements: [],
    authorizing_integration_owners: {},
    attachment_size_limit: 0,
    ...fields,
  } as unknown as Interaction;
}

/** What differs between the tests using {@link endpointHarness}. */
export interface EndpointHarnessOptions {
  /** Virtual time for the router, the endpoint and the REST client. */
  scheduler?: VirtualScheduler;
  /** Give the REST client the `scheduler` too (default true). */
  restOnScheduler?: boolean;
  /** The endpoint's clock for checking signature timestamps. */
  clock?: () => number;
}

/** The parts of an endpoint set up by {@link endpointHarness}. */
export interface EndpointHarness {
  signer: InteractionSigner;
  fake: FakeRest;
  rest: RestClient;
  /** A router without routes, reporting to `errors` and `kinds`. */
  router: InteractionRouter;
  /** Everything the router reported to onError. */
  errors: InteractionError[];
  /** The kinds of `errors`, in order. */
  kinds: string[];
  /** The endpoint: signed requests in, responses out. */
  handler: (request: Request) => Promise<Response>;
}

/**
 * An interactions endpoint for a new signer's key, its router collecting
 * what onError gets, and a RestClient on a FakeRest (token "t").
 */
export async function endpointHarness(
  options: EndpointHarnessOptions = {},
): Promise<EndpointHarness> {
  const { scheduler, restOnScheduler = true, clock } = options;
  const signer = await InteractionSigner.create();
  const fake = new FakeRest({ token: "t" });
  const rest = new RestClient({
    token: "t",
    fetch: fake.fetch,
    ...(scheduler && restOnScheduler ? { scheduler } : {}),
  });
  const errors: InteractionError[] = [];
  const kinds: string[] = [];
  const router = new InteractionRouter({
    ...(scheduler ? { scheduler } : {}),
    onError: (error) => {
      errors.push(error);
      kinds.push(error.kind);
    },
  });
  const handler = interactionsEndpoint({
    publicKey: signer.publicKey,
    router,
    rest,
    ...(scheduler ? { scheduler } : {}),
    ...(clock ? { clock } : {}),
  });
  return { signer, fake, rest, router, errors, kinds, handler };
}

/** A message as Discord answers an edit or a follow-up of an interaction. */
export const ANSWERED_MESSAGE = {
  id: "77",
  channel_id: "1",
  content: "",
  author: { id: "1", username: "a" },
  attachments: [],
  embeds: [],
  mentions: [],
  mention_roles: [],
  pinned: false,
  mention_everyone: false,
  tts: false,
  timestamp: "2024-01-01T00:00:00.000Z",
  edited_timestamp: null,
  type: 0,
  flags: 0,
};
