/**
 * {@linkcode InteractionSigner}: signs HTTP interaction requests the way
 * Discord does (Ed25519 over timestamp + body), to test an interactions
 * endpoint.
 *
 * @module
 */

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Options for {@linkcode InteractionSigner.request}. */
export interface SignedRequestOptions {
  /**
   * The endpoint's URL.
   *
   * @default {"http://127.0.0.1/interactions"}
   */
  url?: string;
  /**
   * The signed timestamp, in Unix seconds.
   *
   * @default {now}
   */
  timestamp?: number;
  /** Sign this text instead of the body (to test a bad signature). */
  signBody?: string;
}

/**
 * An Ed25519 key pair standing in for Discord's: its public key goes to
 * the endpoint, and {@linkcode InteractionSigner.request} builds signed
 * requests.
 *
 * @example Sign and verify
 * ```ts
 * import { InteractionSigner } from "@disruption/disruption/testing";
 * import assert from "node:assert/strict";
 *
 * const signer = await InteractionSigner.create();
 * const request = await signer.request({ type: 1 });
 * assert.equal(signer.publicKey.length, 64);
 * assert.equal(request.headers.get("x-signature-ed25519")!.length, 128);
 * ```
 */
export class InteractionSigner {
  /** The public key, as 64 hex characters (what the Developer Portal shows). */
  readonly publicKey: string;
  readonly #privateKey: CryptoKey;

  private constructor(publicKey: string, privateKey: CryptoKey) {
    this.publicKey = publicKey;
    this.#privateKey = privateKey;
  }

  /**
   * Generate a key pair.
   *
   * @returns The signer.
   */
  static async create(): Promise<InteractionSigner> {
    const pair = await crypto.subtle.generateKey(
      { name: "Ed25519" },
      true,
      ["sign", "verify"],
    ) as CryptoKeyPair;
    const raw = new Uint8Array(
      await crypto.subtle.exportKey("raw", pair.publicKey),
    );
    return new InteractionSigner(hex(raw), pair.privateKey);
  }

  /**
   * The signature headers for a body.
   *
   * @param body The exact body text.
   * @param timestamp Unix seconds.
   * @returns `X-Signature-Ed25519` and `X-Signature-Timestamp`.
   */
  async sign(body: string, timestamp: number): Promise<Record<string, string>> {
    const stamp = String(Math.floor(timestamp));
    const signature = new Uint8Array(
      await crypto.subtle.sign(
        "Ed25519",
        this.#privateKey,
        new TextEncoder().encode(stamp + body),
      ),
    );
    return {
      "x-signature-ed25519": hex(signature),
      "x-signature-timestamp": stamp,
    };
  }

  /**
   * A signed POST request carrying `interaction` as JSON.
   *
   * @param interaction The interaction payload.
   * @param options URL, timestamp, or a different text to sign.
   * @returns The request.
   */
  async request(
    interaction: unknown,
    options: SignedRequestOptions = {},
  ): Promise<Request> {
    const body = JSON.stringify(interaction);
    const headers = await this.sign(
      options.signBody ?? body,
      options.timestamp ?? Date.now() / 1000,
    );
    return new Request(options.url ?? "http://127.0.0.1/interactions", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body,
    });
  }
}
