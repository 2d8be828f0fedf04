// A producer written against the published contract only (docs/asyncapi.yaml), with the
// official Node.js client: submit one document over NATS and wait for its processed event.
//
//   SUM_NATS_URL=nats://127.0.0.1:4222 SUM_NAMESPACE=sum SUM_TENANT=acme \
//   SUM_FILENAME=notes.txt SUM_TEXT="..." node submit.mjs
// Prints one JSON line {"reply": …, "processed": …} and exits 0, or exits 1 with a reason.
import { connect, JSONCodec } from "nats";

const env = (name, fallback) => process.env[name] ?? fallback;
const namespace = env("SUM_NAMESPACE", "sum");
const tenant = env("SUM_TENANT", "default");
const timeoutMs = Number(env("SUM_TIMEOUT_MS", "60000"));
const codec = JSONCodec();

const nc = await connect({ servers: env("SUM_NATS_URL", "nats://127.0.0.1:4222") });
const fail = async (reason) => {
  console.error(reason);
  await nc.close();
  process.exit(1);
};
const timer = setTimeout(() => fail(`no processed event within ${timeoutMs} ms`), timeoutMs);

// Results are core NATS messages: subscribe before submitting so that none is missed.
const results = nc.subscribe(`${namespace}.tenants.${tenant}.documents.>`);
await nc.flush();

const submission = {
  filename: env("SUM_FILENAME", "note.txt"),
  content: { source: "text", text: env("SUM_TEXT", "") },
  priority: "high",
  metadata: { client: "nats.js" },
};
const answer = await nc.request(
  `${namespace}.tenants.${tenant}.submit.v1`,
  codec.encode(submission),
  { timeout: 10000 },
);
const reply = codec.decode(answer.data);
if (reply.status !== "accepted" && reply.status !== "duplicate") {
  await fail(`submission ${reply.status}: ${reply.problem_type}: ${reply.reason}`);
}

for await (const message of results) {
  if (message.subject === `${reply.results}.processed.v1`) {
    console.log(JSON.stringify({ reply, processed: codec.decode(message.data) }));
    break;
  }
  if (message.subject === `${reply.results}.failed.v1`) {
    await fail(`document failed: ${JSON.stringify(codec.decode(message.data))}`);
  }
}
clearTimeout(timer);
await nc.close();
