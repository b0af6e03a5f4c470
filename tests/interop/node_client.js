// An independent gRPC implementation (@grpc/grpc-js, @grpc/proto-loader)
// against crowsnest: over TCP with mutual TLS it reads GetStatus, subscribes
// to the verdicts of one container, checks that the first one decodes into
// the fields the proto promises, prints it as JSON and exits 0.
//
//   node node_client.js ADDRESS PROTO CA CERT KEY CONTAINER_ID
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [address, protoPath, ca, cert, key, containerId] = process.argv.slice(2);
const fail = (why) => { console.error('node client: ' + why); process.exit(1); };

const def = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: false });
const v1 = grpc.loadPackageDefinition(def).crowsnest.v1;
const creds = grpc.credentials.createSsl(fs.readFileSync(ca), fs.readFileSync(key), fs.readFileSync(cert));
const client = new v1.Sensor(address, creds, { 'grpc.ssl_target_name_override': 'localhost' });
setTimeout(() => fail('timed out'), 20000).unref();

client.GetStatus({}, (err, status) => {
  if (err) fail('GetStatus: ' + err.message);
  if (!status.version || !(Number(status.rules_loaded) > 0)) fail('bad status ' + JSON.stringify(status));
  const call = client.StreamVerdicts({ allow: [{ container_ids: [containerId] }] });
  call.on('metadata', () => console.error('node client: subscribed'));
  call.on('error', (e) => { if (e.code !== grpc.status.CANCELLED) fail('stream: ' + e.message); });
  call.on('data', (v) => {
    const checks = {
      rule: typeof v.rule === 'string' && v.rule.length > 0,
      sequence: /^[1-9][0-9]*$/.test(v.sequence),
      time: Number(v.time && v.time.seconds) > 1700000000,
      container: v.container && v.container.id === containerId,
      process: v.process && v.process.pid > 0 && typeof v.process.exe === 'string',
      event: v.event && v.event.type === 'exec',
    };
    const bad = Object.keys(checks).filter((k) => !checks[k]);
    if (bad.length) fail('fields did not decode: ' + bad.join(', ') + ' in ' + JSON.stringify(v));
    console.log(JSON.stringify(v));
    call.cancel();
    client.close();
    process.exit(0);
  });
});
