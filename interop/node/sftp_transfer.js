'use strict';
// Node ssh2 SFTP peer for interop/node_test.go.
//
//   node sftp_transfer.js PORT USER AUTH HOSTKEY LOCAL_SRC REMOTE LOCAL_DST
//
// AUTH is "password:<pw>" or "key:<private key file>"; HOSTKEY is the
// server's public key as "type base64" and is the only one accepted.
// Connects to 127.0.0.1:PORT, uploads LOCAL_SRC to REMOTE with fastPut,
// downloads REMOTE to LOCAL_DST with fastGet, and exits 0; any error
// exits 1 with a message on stderr.
const fs = require('fs');
const { Client } = require('ssh2');

function fail(msg) {
  process.stderr.write(`sftp_transfer: ${msg}\n`);
  process.exit(1);
}

const argv = process.argv.slice(2);
if (argv.length !== 7) {
  fail('usage: PORT USER AUTH HOSTKEY LOCAL_SRC REMOTE LOCAL_DST');
}
const [port, username, auth, hostKey, localSrc, remote, localDst] = argv;
const expectedKey = Buffer.from(hostKey.split(' ')[1] || '', 'base64');

const cfg = {
  host: '127.0.0.1',
  port: Number(port),
  username,
  readyTimeout: 20000,
  hostVerifier: (key) => Buffer.isBuffer(key) && key.equals(expectedKey),
};
if (auth.startsWith('password:')) {
  cfg.password = auth.slice('password:'.length);
} else if (auth.startsWith('key:')) {
  cfg.privateKey = fs.readFileSync(auth.slice('key:'.length));
} else {
  fail(`bad AUTH ${auth}`);
}

let finished = false;
const conn = new Client();
conn.on('error', (err) => fail(`connection: ${err.message}`));
conn.on('ready', () => {
  conn.sftp((err, sftp) => {
    if (err) return fail(`sftp: ${err.message}`);
    sftp.fastPut(localSrc, remote, { concurrency: 64, chunkSize: 32768 }, (err) => {
      if (err) return fail(`fastPut: ${err.message}`);
      sftp.fastGet(remote, localDst, { concurrency: 64, chunkSize: 32768 }, (err) => {
        if (err) return fail(`fastGet: ${err.message}`);
        finished = true;
        sftp.end();
        conn.end();
      });
    });
  });
});
conn.on('close', () => {
  if (!finished) fail('connection closed before the transfers finished');
  process.exit(0);
});
conn.connect(cfg);
