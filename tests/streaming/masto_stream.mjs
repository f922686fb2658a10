// Subscribes to one stream through masto's streaming client (what Elk and Phanpy run on, with the token
// sent as the WebSocket subprotocol) and prints each event it yields as one JSON line.
// Usage: node masto_stream.mjs <masto package dir> <streaming URL> <token> <stream>
import { pathToFileURL } from "node:url";

const [mastoDir, streamingApiUrl, accessToken, stream] = process.argv.slice(2);
const { createStreamingAPIClient } = await import(pathToFileURL(`${mastoDir}/dist/index.js`).href);
const client = createStreamingAPIClient({ streamingApiUrl, accessToken, retry: 1 });
const subscription = stream === "user:notification" ? client.user.notification.subscribe() : client.user.subscribe();
try {
  for await (const event of subscription) {
    console.log(JSON.stringify(event));
  }
} catch (error) {
  console.log(JSON.stringify({ error: String(error) }));
  process.exit(1);
}
