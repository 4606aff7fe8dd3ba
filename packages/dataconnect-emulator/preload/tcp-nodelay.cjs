// Preload for the firebase-tools process (`NODE_OPTIONS=--require …/tcp-nodelay.cjs`): every TCP server it
// creates with net.createServer gets TCP_NODELAY on its connections, unless it asks otherwise.
//
// Why: firebase-tools' PGlite gateway (the Postgres our engine talks to under `firebase emulators:start`)
// writes each Postgres protocol message of an answer as its own small TCP write. With Nagle's algorithm on
// (Node's default for net servers) every write after the first waits for the client's ACK, which the
// client's kernel delays by up to 40 ms: every statement costs ~44 ms instead of ~0.5 ms. The client side
// (node-postgres) sets TCP_NODELAY already; only the server's side can end the wait.
"use strict";
const net = require("node:net");

const createServer = net.createServer;
net.createServer = function createServerWithNoDelay(options, listener) {
  if (typeof options === "function" || options === undefined) {
    return createServer.call(this, { noDelay: true }, options);
  }
  return createServer.call(this, { noDelay: true, ...options }, listener);
};
