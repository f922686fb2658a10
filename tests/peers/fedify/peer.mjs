// An independent ActivityPub peer built on Fedify, for fediart's integration tests.
//
// It serves one actor on http://127.0.0.1:PORT and a JSON control API under /_control/
// that the Python tests (tests/peers/fedify_peer.py) use to make it act (follow, like,
// reply, fetch, ...) and to read what it received.  Everything lives in memory: each
// process is a fresh server with fresh keys.
//
// Run: node_modules/.bin/node peer.mjs --port 8123 [--username fedi]
//        [--first-knock rfc9421|draft-cavage-http-signatures-12] [--no-ed25519]
//        [--log-level debug|info|warning|error]
// Environment variables FEDIFY_PEER_PORT, FEDIFY_PEER_USERNAME, FEDIFY_PEER_FIRST_KNOCK,
// FEDIFY_PEER_LOG_LEVEL and FEDIFY_PEER_NO_ED25519=1 do the same.

import { AsyncLocalStorage } from "node:async_hooks";
import { parseArgs } from "node:util";
import { serve } from "@hono/node-server";
import { configure, getConsoleSink } from "@logtape/logtape";
import { Temporal } from "@js-temporal/polyfill";
import {
  createExponentialBackoffPolicy,
  createFederation,
  generateCryptoKeyPair,
  InProcessMessageQueue,
  MemoryKvStore,
  SendActivityError,
  signRequest,
} from "@fedify/fedify";
import {
  Accept,
  Activity,
  Create,
  Endpoints,
  Follow,
  getTypeId,
  isActor,
  Like,
  Mention,
  Note,
  Person,
  PUBLIC_COLLECTION,
  Reject,
  Undo,
} from "@fedify/vocab";

// ---------------------------------------------------------------------------------------
// Options

const { values: args } = parseArgs({
  options: {
    port: { type: "string" },
    username: { type: "string" },
    "first-knock": { type: "string" },
    "no-ed25519": { type: "boolean" },
    "log-level": { type: "string" },
  },
});
const env = process.env;
const PORT = Number(args.port ?? env.FEDIFY_PEER_PORT ?? 0);
if (!Number.isInteger(PORT) || PORT <= 0) {
  console.error("peer.mjs: --port PORT (or FEDIFY_PEER_PORT) is required");
  process.exit(2);
}
const USERNAME = args.username ?? env.FEDIFY_PEER_USERNAME ?? "fedi";
// Fedify's default first knock is RFC 9421; it falls back to draft-cavage on a 4xx/5xx.
const FIRST_KNOCK = args["first-knock"] ?? env.FEDIFY_PEER_FIRST_KNOCK ?? "rfc9421";
const ED25519 = !(args["no-ed25519"] || env.FEDIFY_PEER_NO_ED25519 === "1");
const LOG_LEVEL = args["log-level"] ?? env.FEDIFY_PEER_LOG_LEVEL ?? "warning";
// A fixed origin, so ids never depend on the Host header the tests happen to use.
const ORIGIN = `http://127.0.0.1:${PORT}`;

// Fedify logs through LogTape; send it to stderr so the Python helper can show it.
await configure({
  contextLocalStorage: new AsyncLocalStorage(),
  sinks: { console: getConsoleSink() },
  loggers: [
    { category: "fedify", lowestLevel: LOG_LEVEL, sinks: ["console"] },
    { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["console"] },
  ],
});

// ---------------------------------------------------------------------------------------
// In-memory state that the control API exposes

const inbox = []; // activities Fedify verified and dispatched to our listeners
const rejected = []; // activities whose HTTP signature did not verify
const sent = []; // activities we sent, with the outcome
const outboxErrors = []; // failures of queued deliveries (e.g. the automatic Accept)
const followers = new Map(); // follower actor id -> { id, inbox, sharedInbox, followId }
const following = new Map(); // followed actor id -> { followId, state, actor (Actor object) }
const notes = new Map(); // note id -> Note, served by the object dispatcher
const outbox = []; // Create activities we sent, newest first
// Raw bodies and signature headers of inbox POSTs, by activity id: the listeners only get
// the parsed Activity, but tests want to see exactly what the remote server sent.
const rawDeliveries = new Map();

// One RSA key (HTTP Signatures, LD Signatures) and, by default, one Ed25519 key (Object
// Integrity Proofs), generated at start: Fedify signs with whatever keys we return.
// RSA-2048 like Mastodon, not Fedify's 4096-bit default, which takes 1-3 s to generate.
const keyPairs = [
  await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  ),
];
if (ED25519) keyPairs.push(await generateCryptoKeyPair("Ed25519"));

// ---------------------------------------------------------------------------------------
// Federation

const federation = createFederation({
  kv: new MemoryKvStore(),
  origin: ORIGIN,
  // Loopback peers are private addresses; Fedify refuses them unless told otherwise.
  allowPrivateAddress: true,
  firstKnock: FIRST_KNOCK,
  // Queue outgoing deliveries only (the Accept we send from the Follow listener then goes
  // out after we have answered the Follow).  Inbox activities are processed before the
  // POST is answered, so when a remote delivery succeeded the activity is already recorded.
  queue: { outbox: new InProcessMessageQueue({ pollInterval: { milliseconds: 200 } }) },
  // Tests want quick, few retries and no host being "tripped" after a failure.
  outboxRetryPolicy: createExponentialBackoffPolicy({
    maxAttempts: 3,
    initialDelay: { milliseconds: 300 },
    jitter: false,
  }),
  circuitBreaker: false,
  onOutboxError: (error, activity) => {
    outboxErrors.push({
      activity: activity?.id?.href ?? null,
      error: String(error?.message ?? error),
      status: error instanceof SendActivityError ? error.statusCode : null,
    });
  },
});

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== USERNAME) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Fedify test peer",
      summary: "An ActivityPub peer used by fediart's integration tests.",
      inbox: ctx.getInboxUri(identifier),
      outbox: ctx.getOutboxUri(identifier),
      followers: ctx.getFollowersUri(identifier),
      following: ctx.getFollowingUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      manuallyApprovesFollowers: false,
      // publicKey is what Mastodon-style servers read; assertionMethod (Multikey) is FEP-521a.
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === USERNAME ? keyPairs : []))
  // Our one handle maps to our one identifier (without a mapper Fedify logs an error per
  // WebFinger query).
  .mapHandle((_ctx, username) => (username === USERNAME ? USERNAME : null));

// Notes we create (replies, posts) must be dereferenceable at their id.
federation.setObjectDispatcher(Note, "/notes/{id}", (ctx, values) => {
  return notes.get(ctx.getObjectUri(Note, values).href) ?? null;
});

federation.setFollowersDispatcher("/users/{identifier}/followers", (_ctx, identifier) => {
  if (identifier !== USERNAME) return null;
  // Recipient objects, so that sendActivity(..., "followers", ...) can fan out.
  const items = [...followers.values()].map((f) => ({
    id: new URL(f.id),
    inboxId: f.inbox ? new URL(f.inbox) : null,
    endpoints: f.sharedInbox ? { sharedInbox: new URL(f.sharedInbox) } : null,
  }));
  return { items };
});

federation.setFollowingDispatcher("/users/{identifier}/following", (_ctx, identifier) => {
  if (identifier !== USERNAME) return null;
  const items = [...following.entries()]
    .filter(([, f]) => f.state === "accepted")
    .map(([id]) => new URL(id));
  return { items };
});

federation.setOutboxDispatcher("/users/{identifier}/outbox", (_ctx, identifier) => {
  if (identifier !== USERNAME) return null;
  return { items: outbox };
});

// ---------------------------------------------------------------------------------------
// Inbox: record everything Fedify verified, then react to the few activities a real
// server reacts to.

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  // Fetch remote keys and actors with signed GETs on the shared inbox too (the personal
  // inbox already does), like a server in "authorized fetch" mode.
  .setSharedKeyDispatcher(() => ({ identifier: USERNAME }))
  // A listener on the base class catches every activity type.
  .on(Activity, async (ctx, activity) => {
    await record(ctx, activity);
    if (activity instanceof Follow) await onFollow(ctx, activity);
    else if (activity instanceof Accept) onAcceptOrReject(activity, "accepted");
    else if (activity instanceof Reject) onAcceptOrReject(activity, "rejected");
    else if (activity instanceof Undo) onUndo(activity);
  })
  .onUnverifiedActivity(async (_ctx, activity, reason) => {
    rejected.push({
      id: activity.id?.href ?? null,
      actor: activity.actorId?.href ?? null,
      reason: reason.type,
      keyId: reason.keyId?.href ?? null,
      activity: await activity.toJsonLd(),
      ...takeRaw(activity.id?.href),
    });
    // Returning nothing lets Fedify answer 401 as usual.
  })
  .onError((_ctx, error) => {
    console.error("inbox listener error:", error);
  });

async function record(ctx, activity) {
  const json = await activity.toJsonLd();
  inbox.push({
    id: activity.id?.href ?? null,
    type: typeName(json, activity),
    actor: activity.actorId?.href ?? null,
    // null for the shared inbox, else the identifier of the personal inbox.
    recipient: ctx.recipient,
    receivedAt: new Date().toISOString(),
    activity: json,
    ...takeRaw(activity.id?.href),
  });
}

async function onFollow(ctx, follow) {
  const me = ctx.getActorUri(USERNAME);
  if (follow.objectId?.href !== me.href || follow.actorId == null) return;
  // ctx's document loader is signed as our actor here (personal inbox / shared key).
  const follower = await follow.getActor(ctx);
  if (!isActor(follower) || follower.id == null) return;
  followers.set(follower.id.href, {
    id: follower.id.href,
    inbox: follower.inboxId?.href ?? null,
    sharedInbox: follower.endpoints?.sharedInbox?.href ?? null,
    followId: follow.id?.href ?? null,
  });
  // Auto-accept, embedding the Follow as Mastodon does.
  const accept = new Accept({
    id: newId(me, "accepts"),
    actor: me,
    object: follow,
    to: follower.id,
  });
  await ctx.sendActivity({ identifier: USERNAME }, follower, accept);
  await recordSent(accept, follower.id, "queued");
}

function onAcceptOrReject(activity, state) {
  // Match the Follow by its id (embedded or referenced); fall back to the actor, as
  // Mastodon does, when the remote did not echo our Follow id.
  const objectId = activity.objectId?.href;
  for (const f of following.values()) {
    if (objectId != null && f.followId === objectId) {
      f.state = state;
      f.answeredBy = activity.id?.href ?? null;
      return;
    }
  }
  const entry = following.get(activity.actorId?.href);
  if (entry && entry.state === "pending") {
    entry.state = state;
    entry.answeredBy = activity.id?.href ?? null;
    entry.matchedBy = "actor";
  }
}

function onUndo(undo) {
  // Undo Follow: drop the follower.  Other undos are only recorded.
  for (const [id, f] of followers) {
    if (id === undo.actorId?.href && (undo.objectId == null || undo.objectId.href === f.followId)) {
      followers.delete(id);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Helpers

function newId(base, kind) {
  return new URL(`#${kind}/${crypto.randomUUID()}`, base);
}

function typeName(json, activity) {
  if (json && typeof json.type === "string") return json.type;
  return getTypeId(activity).href.replace(/^.*[#/]/, "");
}

function takeRaw(id) {
  const raw = id == null ? undefined : rawDeliveries.get(id);
  if (raw === undefined) return { raw: null, signature: null };
  rawDeliveries.delete(id);
  return raw;
}

// outcome: "delivered", "failed" (see error), or "queued" (failures then go to outboxErrors).
async function recordSent(activity, to, outcome, error = null) {
  sent.push({
    id: activity.id?.href ?? null,
    type: typeName(null, activity),
    to: Array.isArray(to) ? to.map((u) => u.href) : to.href,
    outcome,
    error: error == null ? null : String(error.message ?? error),
    activity: await activity.toJsonLd(),
  });
}

// Which HTTP signature scheme a request used, and with which key.
// The header values are kept as sent, for tests that look closer.
function describeSignature(headers) {
  const input = headers.get("signature-input");
  const signature = headers.get("signature");
  if (input != null) {
    const keyid = /keyid="([^"]*)"/.exec(input);
    return { scheme: "rfc9421", keyId: keyid?.[1] ?? null, signatureInput: input, signature };
  }
  if (signature != null) {
    const keyId = /keyId="([^"]*)"/.exec(signature);
    return { scheme: "draft-cavage", keyId: keyId?.[1] ?? null, signature };
  }
  return null;
}

function controlContext() {
  return federation.createContext(new URL(ORIGIN), undefined);
}

// A document loader that signs its GETs as our actor (for servers in authorized-fetch mode).
async function signedLoader(ctx) {
  return await ctx.getDocumentLoader({ identifier: USERNAME });
}

async function lookup(ctx, url) {
  const obj = await ctx.lookupObject(url, { documentLoader: await signedLoader(ctx) });
  if (obj == null) throw new HttpError(422, `could not look up ${url}`);
  return obj;
}

async function lookupActor(ctx, url) {
  const actor = await lookup(ctx, url);
  if (!isActor(actor)) throw new HttpError(422, `${url} is not an actor`);
  return actor;
}

async function authorOf(ctx, obj) {
  const authorId = obj.attributionId;
  if (authorId == null) throw new HttpError(422, `${obj.id?.href} has no attributedTo`);
  return await lookupActor(ctx, authorId);
}

// Send now (not via the queue) so the control call reports the remote's answer.
async function sendNow(ctx, recipients, activity) {
  const to = Array.isArray(recipients) ? recipients.map((r) => r.id) : recipients.id;
  try {
    await ctx.sendActivity({ identifier: USERNAME }, recipients, activity, { immediate: true });
  } catch (error) {
    await recordSent(activity, to, "failed", error);
    const status = error instanceof SendActivityError ? error.statusCode : null;
    throw new HttpError(502, `delivery failed: ${error.message}`, { remoteStatus: status });
  }
  await recordSent(activity, to, "delivered");
}

function handleOf(actor) {
  const id = actor.id;
  return actor.preferredUsername && id ? `@${actor.preferredUsername}@${id.host}` : id?.href;
}

class HttpError extends Error {
  constructor(status, message, extra = {}) {
    super(message);
    this.status = status;
    this.extra = extra;
  }
}

// ---------------------------------------------------------------------------------------
// Control API (JSON in, JSON out; for the tests only)

const control = {
  "GET /_control/health": (ctx) => ({ ok: true, actor: ctx.getActorUri(USERNAME).href }),
  "GET /_control/inbox": () => inbox,
  "GET /_control/rejected": () => rejected,
  "GET /_control/sent": () => sent,
  "GET /_control/outbox-errors": () => outboxErrors,
  "GET /_control/followers": () => [...followers.values()],
  "GET /_control/following": () =>
    [...following.entries()].map(([id, f]) => ({
      id,
      followId: f.followId,
      state: f.state,
      answeredBy: f.answeredBy ?? null,
      matchedBy: f.matchedBy ?? "followId",
    })),

  // {"actor": URL} -> {"id": followId}
  "POST /_control/follow": async (ctx, body) => {
    const target = await lookupActor(ctx, requireString(body, "actor"));
    const me = ctx.getActorUri(USERNAME);
    const follow = new Follow({ id: newId(me, "follows"), actor: me, object: target.id, to: target.id });
    // Register before sending: the Accept may arrive before the POST returns.
    following.set(target.id.href, { followId: follow.id.href, state: "pending", actor: target });
    try {
      await sendNow(ctx, target, follow);
    } catch (e) {
      following.delete(target.id.href);
      throw e;
    }
    return { id: follow.id.href };
  },

  // {"actor": URL} -> {"id": undoId}
  "POST /_control/unfollow": async (ctx, body) => {
    const actorUrl = requireString(body, "actor");
    const entry = following.get(actorUrl);
    if (entry == null) throw new HttpError(404, `not following ${actorUrl}`);
    const me = ctx.getActorUri(USERNAME);
    const undo = new Undo({
      id: newId(me, "undos"),
      actor: me,
      object: new Follow({ id: new URL(entry.followId), actor: me, object: entry.actor.id }),
      to: entry.actor.id,
    });
    await sendNow(ctx, entry.actor, undo);
    following.delete(actorUrl);
    return { id: undo.id.href };
  },

  // {"object": URL} -> {"id": likeId}
  "POST /_control/like": async (ctx, body) => {
    const obj = await lookup(ctx, requireString(body, "object"));
    const author = await authorOf(ctx, obj);
    const me = ctx.getActorUri(USERNAME);
    const like = new Like({ id: newId(me, "likes"), actor: me, object: obj.id, to: author.id });
    await sendNow(ctx, author, like);
    return { id: like.id.href };
  },

  // {"inReplyTo": URL, "content": html} -> {"id": noteId, "activity": createId}
  "POST /_control/reply": async (ctx, body) => {
    const parent = await lookup(ctx, requireString(body, "inReplyTo"));
    const author = await authorOf(ctx, parent);
    const note = makeNote(ctx, requireString(body, "content"), {
      replyTarget: parent.id,
      mentions: [author],
    });
    const create = makeCreate(note);
    await sendNow(ctx, author, create);
    return { id: note.id.href, activity: create.id.href };
  },

  // {"content": html, "mention": [actor URLs]?} -> a public Note delivered to our followers
  // and to the mentioned actors.  -> {"id": noteId, "activity": createId}
  "POST /_control/post": async (ctx, body) => {
    const mentioned = [];
    for (const url of body.mention ?? []) mentioned.push(await lookupActor(ctx, url));
    const note = makeNote(ctx, requireString(body, "content"), { mentions: mentioned });
    const create = makeCreate(note);
    const recipients = [...mentioned];
    for (const f of followers.values()) {
      if (!recipients.some((r) => r.id.href === f.id)) {
        recipients.push({ id: new URL(f.id), inboxId: f.inbox ? new URL(f.inbox) : null });
      }
    }
    if (recipients.length > 0) await sendNow(ctx, recipients, create);
    return { id: note.id.href, activity: create.id.href, deliveredTo: recipients.map((r) => r.id.href) };
  },

  // {"activity": JSON-LD, "to": actor URL} -> sends any activity (e.g. Update, Delete,
  // Announce) signed as our actor.  -> {"id": activityId}
  "POST /_control/send": async (ctx, body) => {
    const target = await lookupActor(ctx, requireString(body, "to"));
    if (typeof body.activity !== "object" || body.activity == null) {
      throw new HttpError(400, "activity must be a JSON-LD object");
    }
    const activity = await Activity.fromJsonLd(body.activity, { documentLoader: await signedLoader(ctx) });
    await sendNow(ctx, target, activity);
    return { id: activity.id?.href ?? null };
  },

  // {"url": URL, "signed"?: bool, "spec"?: "draft-cavage-http-signatures-12"|"rfc9421",
  //  "accept"?: header} -> {"status", "contentType", "headers", "document" | "text"}
  // A raw signed GET: no parsing by Fedify, the answer as the remote gave it.
  "POST /_control/fetch": async (_ctx, body) => {
    const url = requireString(body, "url");
    let request = new Request(url, {
      headers: { Accept: body.accept ?? "application/activity+json, application/ld+json" },
      redirect: "manual",
    });
    if (body.signed !== false) {
      const [rsa] = await controlContext().getActorKeyPairs(USERNAME);
      request = await signRequest(request, rsa.privateKey, rsa.keyId, {
        spec: body.spec ?? "draft-cavage-http-signatures-12",
      });
    }
    const response = await fetch(request);
    const text = await response.text();
    let document = null;
    try {
      document = JSON.parse(text);
    } catch {
      // not JSON: return the text instead
    }
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      headers: Object.fromEntries(response.headers.entries()),
      document,
      text: document == null ? text : null,
    };
  },

  // {"url": URL} -> {"type", "id", "object"}: fetched (signed) and parsed by Fedify, then
  // serialised back, to see what Fedify understood of the remote document.
  "POST /_control/lookup": async (ctx, body) => {
    const obj = await lookup(ctx, requireString(body, "url"));
    const json = await obj.toJsonLd();
    return { type: typeName(json, obj), id: obj.id?.href ?? null, object: json };
  },
};

function requireString(body, name) {
  const value = body?.[name];
  if (typeof value !== "string" || value === "") throw new HttpError(400, `"${name}" is required`);
  return value;
}

function makeNote(ctx, content, { replyTarget = null, mentions = [] }) {
  const me = ctx.getActorUri(USERNAME);
  const id = ctx.getObjectUri(Note, { id: crypto.randomUUID() });
  const note = new Note({
    id,
    attribution: me,
    content,
    replyTarget,
    to: PUBLIC_COLLECTION,
    ccs: [ctx.getFollowersUri(USERNAME), ...mentions.map((a) => a.id)],
    tags: mentions.map((a) => new Mention({ href: a.id, name: handleOf(a) })),
    published: Temporal.Now.instant(),
    url: id,
  });
  notes.set(id.href, note);
  return note;
}

function makeCreate(note) {
  const create = new Create({
    id: new URL(`${note.id.href}#create`),
    actor: note.attributionId,
    object: note,
    to: PUBLIC_COLLECTION,
    ccs: note.ccIds,
    published: note.published,
  });
  outbox.unshift(create);
  return create;
}

async function handleControl(request, url) {
  const route = control[`${request.method} ${url.pathname}`];
  if (route == null) return json({ error: `no control route ${request.method} ${url.pathname}` }, 404);
  let body = null;
  if (request.method === "POST") {
    try {
      body = await request.json();
    } catch {
      return json({ error: "body must be JSON" }, 400);
    }
  }
  try {
    return json(await route(controlContext(), body));
  } catch (error) {
    if (error instanceof HttpError) return json({ error: error.message, ...error.extra }, error.status);
    console.error("control error:", error);
    return json({ error: String(error?.stack ?? error) }, 500);
  }
}

function json(value, status = 200) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

// ---------------------------------------------------------------------------------------
// HTTP server: /_control/* here, everything else to Fedify.

async function handle(request) {
  const url = new URL(request.url);
  if (url.pathname.startsWith("/_control/")) return await handleControl(request, url);
  if (request.method === "POST" && (url.pathname === "/inbox" || /^\/users\/[^/]+\/inbox$/.test(url.pathname))) {
    await rememberRawDelivery(request);
  }
  return await federation.fetch(request, {
    contextData: undefined,
    onNotFound: () => new Response("Not found", { status: 404 }),
    onNotAcceptable: () => new Response("Not acceptable", { status: 406 }),
  });
}

async function rememberRawDelivery(request) {
  try {
    const body = JSON.parse(await request.clone().text());
    if (typeof body?.id === "string") {
      rawDeliveries.set(body.id, {
        raw: body,
        signature: describeSignature(request.headers),
        contentType: request.headers.get("content-type"),
      });
    }
  } catch {
    // Not JSON: Fedify will answer 400 itself.
  }
}

const server = serve({ fetch: handle, hostname: "127.0.0.1", port: PORT }, () => {
  // The Python helper waits for /_control/health; this line is for humans.
  console.error(`fedify peer listening on ${ORIGIN} as ${ORIGIN}/users/${USERNAME}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
