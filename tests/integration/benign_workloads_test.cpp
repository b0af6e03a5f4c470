// The shipped rules' false-positive suite: ordinary container workloads in
// real runc containers with a Debian userland (the host's /usr and /etc,
// read-only; a writable /workspace, as a CI checkout or a volume), run
// under the default rules. None may give a high or critical verdict; what
// lower verdicts they give is printed, for the figure. Then one of them
// does something an attacker does, which must be reported: the containers
// are watched, not missed.
#include <fstream>
#include <map>

#include "harness.h"
#include "loopback_listener.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

struct Workload {
    const char *name;
    std::string script;  // run in the container by sh
};

// A Node.js client with its own (non-blocking) sockets: it reads its
// service-account token, as a Kubernetes client library does, then opens
// one connection to each of the `count` ports from `first` and retries a
// server that is down five times.
std::string node_client(uint16_t first, int count, uint16_t down) {
    return "const fs = require('fs'), net = require('net');\n"
           "fs.readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/token');\n"
           "let left = " + std::to_string(count + 5) + ";\n"
           "const done = () => { if (--left === 0) process.exit(0); };\n"
           "for (let i = 0; i < " + std::to_string(count) + "; i++) {\n"
           "  const s = net.connect(" + std::to_string(first) + " + i, '127.0.0.1', () => { s.end(); done(); });\n"
           "  s.on('error', done);\n"
           "}\n"
           "for (let i = 0; i < 5; i++) net.connect(" + std::to_string(down) + ", '127.0.0.1').on('error', done);\n";
}

std::vector<Workload> workloads(uint16_t health_port, uint16_t closed_port) {
    const std::string health = std::to_string(health_port), closed = std::to_string(closed_port);
    return {
        {"build and test", "mkdir -p /workspace/src && cd /workspace/src && "
                           "printf 'int f(void);\\nint main(void) { return f(); }\\n' > main.c && "
                           "printf 'int f(void) { return 0; }\\n' > f.c && "
                           "printf 'prog: main.o libf.a\\n\\tgcc -o prog main.o libf.a\\nlibf.a: f.o\\n\\tar rcs libf.a "
                           "f.o\\n%%.o: %%.c\\n\\tgcc -O2 -c $<\\n' > Makefile && make -s && ./prog && strip prog && "
                           "gcc -MM main.c >/dev/null"},
        {"package queries", "dpkg -l | head -n 20 >/dev/null && dpkg -S /usr/bin/make >/dev/null && "
                            "dpkg-query -W -f='${Version}\\n' coreutils >/dev/null && dpkg --verify gzip; "
                            "apt-cache policy make >/dev/null"},
        {"log rotation", "mkdir -p /workspace/log && cd /workspace/log && for i in $(seq 1 50); do echo \"line $i\" >> "
                         "app.log; done && printf '/workspace/log/app.log {\\n  rotate 3\\n  copytruncate\\n  compress\\n"
                         "  missingok\\n}\\n' > rotate.conf && logrotate -f -s /workspace/log/state rotate.conf && "
                         ": > app.log && gzip -9 -c /etc/hostname > old.gz && find /workspace/log -name '*.gz' -mmin "
                         "+60 -delete"},
        {"health checks and a wait-for-db loop",
         "for i in $(seq 1 15); do busybox nc -w 1 127.0.0.1 " + closed + " </dev/null && break; sleep 0.05; done; "
         "for i in $(seq 1 10); do busybox nc -w 1 127.0.0.1 " + health + " </dev/null || exit 1; done"},
        {"monitoring agent", "ps aux >/dev/null && top -b -n 1 >/dev/null && free >/dev/null && df -h >/dev/null && "
                             "cat /proc/loadavg /proc/meminfo /proc/1/status /proc/1/cgroup /proc/self/mountinfo "
                             "/proc/self/cgroup >/dev/null && for p in /proc/[0-9]*; do cat $p/stat $p/cmdline "
                             "2>/dev/null; done >/dev/null"},
        {"database", "mkdir -p /workspace/db && sqlite3 /workspace/db/app.db 'CREATE TABLE IF NOT EXISTS kv (k TEXT "
                     "PRIMARY KEY, v TEXT); INSERT OR REPLACE INTO kv VALUES (1, 2); SELECT count(*) FROM kv;' "
                     ">/dev/null && sqlite3 /workspace/db/app.db .dump >/dev/null"},
        {"TLS material", "mkdir -p /workspace/tls && cd /workspace/tls && openssl req -x509 -newkey rsa:2048 -nodes "
                         "-keyout key.pem -out cert.pem -subj /CN=svc -days 1 2>/dev/null && openssl x509 -in "
                         "cert.pem -noout -subject >/dev/null && openssl rsa -in key.pem -check -noout >/dev/null"},
        {"cron-style job", "mkdir -p /workspace/cron && date +%s > /workspace/cron/last && gzip -c /etc/hostname > "
                           "/workspace/cron/report.gz && find /workspace/cron -name '*.gz' -mmin +60 -delete && "
                           "jq -n '{ok: true}' >/dev/null"},
    };
}

}  // namespace

TEST_CASE("benign workloads: builds, package queries, log rotation, health checks, monitoring, a database, TLS, "
          "cron and a non-blocking client give no high or critical verdict",
          "[integration][benign]") {
    for (const char *tool : {"gcc", "make", "dpkg", "logrotate", "ps", "sqlite3", "openssl", "jq", "node", "busybox"})
        if (!have_tool(tool)) SKIP_OR_FAIL(std::string(tool) + " is needed on the host (scripts/setup.sh --tests)");
    SensorProcess sensor;
    START_SENSOR(sensor);  // the shipped rules
    LoopbackListener health;
    const uint16_t closed = unused_loopback_port();
    std::vector<int> listeners;
    const uint16_t first = listen_on_range(60, listeners);
    REQUIRE(first != 0);

    auto all = workloads(health.port, closed);
    all.push_back({"non-blocking client with its service-account token", "node /workspace/client.js"});
    std::vector<std::unique_ptr<RuncContainer>> containers;
    std::vector<std::string> ids, dirs;
    for (const auto &w : all) {
        INFO(w.name);
        ids.push_back(random_container_id());
        dirs.push_back(temp_dir());
        containers.push_back(std::make_unique<RuncContainer>());
        START_CONTAINER(*containers.back(), (ContainerSpec{.cgroups_path = docker_path(ids.back()),
                                                           .rw_binds = {{dirs.back(), "/workspace"}},
                                                           .host_userland = true}));
    }
    // the client's token and script
    const std::string sa = containers.back()->bundle() + "/rootfs/var/run/secrets/kubernetes.io/serviceaccount";
    REQUIRE(run_shell("mkdir -p " + sa + " && echo eyJhbGciOi > " + sa + "/token") == 0);
    std::ofstream(dirs.back() + "/client.js") << node_client(first, 60, closed);

    for (size_t i = 0; i < all.size(); i++) {
        INFO(all[i].name);
        CHECK(containers[i]->exec(all[i].script) == 0);
    }
    for (int fd : listeners) close(fd);

    // the attack that proves these containers are watched: a shell reading
    // the token the client read
    REQUIRE(containers.back()->exec("cat /var/run/secrets/kubernetes.io/serviceaccount/token >/dev/null") == 0);
    REQUIRE(sensor.wait_verdict([&](const v1::Verdict &v) {
        return v.rule() == "credential_read_by_tool_in_container" && v.container().id() == ids.back();
    }));

    std::map<std::string, int> lower;  // "rule (severity)" -> verdicts
    for (size_t i = 0; i < all.size(); i++)
        for (const auto &v : sensor.verdicts()) {
            if (v.container().id() != ids[i]) continue;
            if (i + 1 == all.size() && v.rule() == "credential_read_by_tool_in_container") continue;  // the attack
            INFO(all[i].name << ": " << v.rule() << " (" << v.severity() << "): " << v.output());
            CHECK(v.severity() != "high");
            CHECK(v.severity() != "critical");
            lower[std::string(all[i].name) + ": " + v.rule() + " (" + v.severity() + ")"]++;
        }
    std::string figure;
    for (const auto &[what, n] : lower) figure += "\n  " + what + " x" + std::to_string(n);
    WARN(all.size() << " benign workloads, verdicts below high:" << (figure.empty() ? " none" : figure));
    for (const auto &d : dirs) run_shell("rm -rf " + d);
}
