// Validates rendered Kubernetes manifests (kubectl kustomize output, on
// stdin) against the API's schemas (kubernetes-models), then checks what
// crowsnest's DaemonSet promises: least privilege, unless MODE is
// "privileged" (the overlay for old kernels).
//
//   kubectl kustomize DIR | NODE_PATH=... node validate_manifests.js least|privileged
'use strict';
const yaml = require('js-yaml');

const mode = process.argv[2];
const problems = [];
const expect = (ok, what) => { if (!ok) problems.push(what); };

// apiVersion "apps/v1" -> kubernetes-models/apps/v1/<Kind>; "v1" -> kubernetes-models/v1/<Kind>
function model(doc) {
  return require('kubernetes-models/' + doc.apiVersion + '/' + doc.kind)[doc.kind];
}

const docs = yaml.loadAll(require('fs').readFileSync(0, 'utf8')).filter((d) => d);
for (const doc of docs) {
  try {
    const Model = model(doc);
    new Model(doc).validate();
  } catch (e) {
    problems.push(`${doc.kind}/${doc.metadata && doc.metadata.name}: ${e.message}`);
  }
}

const kinds = docs.map((d) => d.kind).sort().join(',');
expect(kinds === 'ConfigMap,DaemonSet,Namespace,Service,ServiceAccount', 'objects: ' + kinds);
const ds = docs.find((d) => d.kind === 'DaemonSet');
const pod = ds.spec.template.spec;
const c = pod.containers[0];
const sc = c.securityContext || {};
const caps = ((sc.capabilities || {}).add || []).slice().sort();
const mount = (path) => (c.volumeMounts || []).find((m) => m.mountPath === path);
const volume = (name) => (pod.volumes || []).find((v) => v.name === name);

expect(pod.hostPID === true, 'hostPID');
expect(pod.priorityClassName === 'system-node-critical', 'priorityClassName');
expect((pod.tolerations || []).some((t) => t.operator === 'Exists' && !t.key), 'a toleration of every taint');
expect(ds.spec.updateStrategy.type === 'RollingUpdate', 'rolling update');
expect(pod.automountServiceAccountToken === false, 'no API token mounted');
expect(c.livenessProbe.httpGet.path === '/healthz', 'liveness on /healthz');
expect(c.readinessProbe.httpGet.path === '/readyz', 'readiness on /readyz');
expect(c.args.join(' ').includes('--host-root /host'), 'args: --host-root /host');
expect(c.args.some((a) => a.startsWith('--http-listen')), 'args: --http-listen');
expect((c.env || []).some((e) => e.name === 'NODE_NAME' && e.valueFrom.fieldRef.fieldPath === 'spec.nodeName'),
  'NODE_NAME from spec.nodeName');
expect(c.resources.requests.memory && c.resources.limits.memory, 'memory request and limit');
const hostRoot = mount('/host');
expect(hostRoot && hostRoot.readOnly === true && volume(hostRoot.name).hostPath.path === '/', "the host's / read-only at /host");
const run = mount('/run/crowsnest');
expect(run && volume(run.name).hostPath, 'the socket directory as a hostPath');
const state = mount('/var/lib/crowsnest');
expect(state && !state.readOnly && volume(state.name).hostPath, "the profiles' database directory as a writable hostPath");
const config = mount('/etc/crowsnest');
expect(config && volume(config.name).configMap, 'config and rules.d from a ConfigMap');
expect(sc.readOnlyRootFilesystem === true, 'readOnlyRootFilesystem');
const svc = docs.find((d) => d.kind === 'Service');
expect(svc.metadata.annotations['prometheus.io/scrape'] === 'true', 'Prometheus scrape annotation');

if (mode === 'least') {
  expect(sc.privileged !== true, 'not privileged');
  expect(sc.allowPrivilegeEscalation === false, 'allowPrivilegeEscalation: false');
  expect(JSON.stringify(sc.capabilities.drop) === '["ALL"]', 'drops ALL capabilities');
  expect(JSON.stringify(caps) === JSON.stringify(['BPF', 'DAC_READ_SEARCH', 'PERFMON', 'SYS_PTRACE']),
    'capabilities exactly BPF, DAC_READ_SEARCH, PERFMON, SYS_PTRACE: ' + caps);
} else if (mode === 'privileged') {
  expect(sc.privileged === true, 'privileged');
} else {
  problems.push('usage: validate_manifests.js least|privileged');
}

if (problems.length) {
  console.error('manifest problems:\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log(`ok: ${docs.length} objects valid, DaemonSet ${mode === 'least' ? 'capabilities ' + caps.join(',') : 'privileged'}`);
