// Drives fediart through masto (the client library Phanpy and Elk are built on), one JSON command per
// line on stdin, one JSON answer per line on stdout. The test (tests/clients/test_masto.py) decides what
// to do; this file only speaks masto's API, so what fediart sees is what a web client sends.
import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { createOAuthAPIClient, createRestAPIClient } from "masto";

const state = { url: null, app: null, verifier: null, rest: null };

function base64url(buffer) {
  return buffer.toString("base64").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function collect(paginator, pages) {
  const seen = [];
  for await (const page of paginator) {
    seen.push(page.map((item) => item.id));
    if (seen.length >= pages) break;
  }
  return seen;
}

const ops = {
  async register({ url, redirectUri, scopes }) {
    state.url = url;
    const anonymous = createRestAPIClient({ url });
    state.app = await anonymous.v1.apps.create({ clientName: "masto test", redirectUris: redirectUri, scopes });
    state.verifier = base64url(randomBytes(32));
    const challenge = base64url(createHash("sha256").update(state.verifier).digest());
    const query = new URLSearchParams({
      response_type: "code", client_id: state.app.clientId, redirect_uri: redirectUri, scope: scopes,
      code_challenge: challenge, code_challenge_method: "S256", state: "masto-state",
    });
    return { clientId: state.app.clientId, authorizeUrl: `${url}/oauth/authorize?${query}` };
  },
  async token({ code, redirectUri, scopes }) {
    const oauth = createOAuthAPIClient({ url: state.url });
    const token = await oauth.token.create({
      grantType: "authorization_code", clientId: state.app.clientId, clientSecret: state.app.clientSecret,
      redirectUri, code, codeVerifier: state.verifier, scope: scopes,
    });
    state.rest = createRestAPIClient({ url: state.url, accessToken: token.accessToken });
    return { scope: token.scope, tokenType: token.tokenType };
  },
  async instance() {
    return await state.rest.v2.instance.fetch();
  },
  async verify() {
    return await state.rest.v1.accounts.verifyCredentials();
  },
  async upload({ path, description, focus }) {
    const bytes = await readFile(path);
    // Like Ice Cubes, no file name or extension: the server must read the type from the bytes.
    const file = new Blob([bytes]);
    return await state.rest.v2.media.create({ file, description, focus });
  },
  async post({ status, mediaIds, visibility, inReplyToId }) {
    return await state.rest.v1.statuses.create({ status, mediaIds, visibility, inReplyToId },
                                               { requestInit: { headers: { "Idempotency-Key": randomBytes(8).toString("hex") } } });
  },
  async edit({ id, status, mediaIds }) {
    return await state.rest.v1.statuses.$select(id).update({ status, mediaIds });
  },
  async history({ id }) {
    return await state.rest.v1.statuses.$select(id).history.list();
  },
  async lookup({ acct }) {
    return await state.rest.v1.accounts.lookup({ acct });
  },
  async search({ q }) {
    return await state.rest.v2.search.list({ q, resolve: true, type: "accounts" });
  },
  async follow({ id }) {
    return await state.rest.v1.accounts.$select(id).follow();
  },
  async notifications({ limit }) {
    return await state.rest.v1.notifications.list({ limit });
  },
  async home({ limit, pages }) {
    return await collect(state.rest.v1.timelines.home.list({ limit }), pages);
  },
  async homeStatuses({ limit }) {
    return await state.rest.v1.timelines.home.list({ limit });
  },
  async favourite({ id }) {
    return await state.rest.v1.statuses.$select(id).favourite();
  },
};

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { op, ...args } = JSON.parse(line);
  try {
    const result = await ops[op](args);
    process.stdout.write(JSON.stringify({ ok: true, result }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, error: String(error?.message ?? error),
                                          status: error?.statusCode ?? null }) + "\n");
  }
}
