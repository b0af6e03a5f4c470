// A download piped to a shell, on the real kernel, in a real runc container:
// busybox wget serving itself a script from busybox httpd on loopback, the
// shell exec'd after the download or before it, a renamed copy of busybox
// started as wget, and a copy whose names say nothing (it counts by its
// connect). Each pipeline gives one verdict, from the process that came
// last; a pipe from cat or echo into a shell, a download into tee or into
// `sh -c`, and a shell writing into tee stay quiet.
#include <dirent.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "harness.h"
#include "util/path_util.h"

using namespace crowsnest;
using namespace crowsnest::test;

namespace {

const std::set<std::string> kPipeRules = {"download_piped_to_shell", "download_piped_to_running_shell"};

std::string read_text(const std::string &path) {
    std::string out, error;
    read_whole_file(path, out, error);  // a process gone: ""
    return out;
}

void write_text(const std::string &path, const std::string &text) { std::ofstream(path) << text; }

// A field of /proc/<pid>/status ("PPid", "NSpid"): its last value.
std::string status_field(uint32_t pid, const std::string &name) {
    std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/status"));
    for (std::string line; std::getline(in, line);)
        if (line.rfind(name + ":", 0) == 0) return line.substr(line.find_last_of(" \t") + 1);
    return "";
}

// Waits for the shell of `marker` to run its downloaded script, which writes
// its pid (in the container's pid namespace) to /tmp/ran-<marker> and sleeps.
std::string ran_vpid(const RuncContainer &c, const std::string &marker) {
    const std::string path = "/proc/" + std::to_string(c.init_pid()) + "/root/tmp/ran-" + marker;
    for (int i = 0; i < 100; i++) {
        std::string s = read_text(path);
        if (!s.empty() && s.back() == '\n') return s.substr(0, s.size() - 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
}

// The host pid of the process of container `id` whose own pid is `vpid`.
uint32_t host_pid_of(const std::string &id, const std::string &vpid) {
    DIR *d = opendir("/proc");
    uint32_t found = 0;
    while (dirent *e = d ? readdir(d) : nullptr) {
        const uint32_t pid = uint32_t(std::strtoul(e->d_name, nullptr, 10));
        if (pid && status_field(pid, "NSpid") == vpid &&
            read_text("/proc/" + std::to_string(pid) + "/cgroup").find(id) != std::string::npos)
            found = pid;
    }
    if (d) closedir(d);
    return found;
}

std::string joined(const v1::Verdict &v) {
    std::string s;
    for (const auto &a : v.process().args()) s += a + " ";
    return s;
}

// What the sensor saw of container `id`: each exec's pid, argv and stdin and
// stdout, each connect, each verdict (for a failure's message).
std::string seen(SensorProcess &sensor, const std::string &id) {
    std::ostringstream out;
    for (const auto &e : sensor.events()) {
        if (e.container().id() != id) continue;
        const auto &ev = e.event();
        if (ev.type() == "exec" && ev.stdio_size() == 3) {
            out << "exec " << e.process().pid() << " (" << e.process().comm() << "):";
            for (const auto &a : ev.argv()) out << " " << a;
            out << " | in " << ev.stdio(0).type() << ":" << ev.stdio(0).ino() << " out " << ev.stdio(1).type() << ":"
                << ev.stdio(1).ino() << "\n";
        } else if (ev.type() == "connect") {
            out << "connect " << e.process().pid() << " (" << e.process().comm() << ") " << ev.dst_ip() << ":"
                << ev.dst_port() << " ret " << ev.ret() << "\n";
        }
    }
    for (const auto &v : sensor.verdicts())
        if (v.container().id() == id) out << "verdict " << v.rule() << " " << v.process().pid() << "\n";
    std::set<std::string> ids;
    for (const auto &e : sensor.events()) ids.insert(e.container().id() + "/" + std::to_string(e.cgroup_id()));
    for (const auto &i : ids) out << "id " << i << "\n";
    out << sensor.events().size() << " events, " << sensor.bad_lines().size() << " bad lines\n";
    for (const auto &l : sensor.bad_lines()) out << l.substr(0, 300) << "\n";
    return out.str();
}

// The one verdict of the pipe rules in container `id` whose process's
// arguments contain `marker`.
bool wait_pipe_verdict(SensorProcess &sensor, const std::string &rule, const std::string &id,
                       const std::string &marker, v1::Verdict &found) {
    return sensor.wait_verdict(
        [&](const v1::Verdict &v) {
            return v.rule() == rule && v.container().id() == id && joined(v).find(marker) != std::string::npos;
        },
        &found);
}

// Serves the container's /www with busybox httpd on a loopback port: a
// script per marker, which writes its shell's pid (in the container's pid
// namespace) to /tmp/ran-<marker> and waits, so the shell can be checked;
// and `quiet`'s files. Returns the base URL.
std::string serve_scripts(RuncContainer &c, const std::string &busybox, const std::vector<std::string> &markers,
                          const std::vector<std::pair<std::string, std::string>> &quiet) {
    const std::string port = std::to_string(unused_loopback_port()), www = c.bundle() + "/rootfs/www";
    REQUIRE(mkdir(www.c_str(), 0755) == 0);
    for (const auto &m : markers) write_text(www + "/" + m + ".sh", "echo $$ > /tmp/ran-" + m + "\nsleep 20\n");
    for (const auto &[name, text] : quiet) write_text(www + "/" + name, text);
    REQUIRE(c.run({busybox, "httpd", "-p", "127.0.0.1:" + port, "-h", "/www"}) == 0);
    return "http://127.0.0.1:" + port + "/";
}

// The verdict is the shell that ran the download of `marker`.
void check_shell(const v1::Verdict &v, const RuncContainer &c, const std::string &marker) {
    const std::string vpid = ran_vpid(c, marker);
    REQUIRE(!vpid.empty());
    CHECK(status_field(v.process().pid(), "NSpid") == vpid);
}

// The verdict is the writer of that shell's pipe: its sibling (the shell
// forked both sides) or its child (the shell became the pipe's last stage).
void check_writer(const v1::Verdict &v, const RuncContainer &c, const std::string &id, const std::string &marker) {
    const std::string vpid = ran_vpid(c, marker);
    REQUIRE(!vpid.empty());
    const uint32_t shell = host_pid_of(id, vpid);
    REQUIRE(shell != 0);
    CHECK(v.process().pid() != shell);
    CHECK((v.process().ppid() == shell || status_field(shell, "PPid") == std::to_string(v.process().ppid())));
}

// After the pipelines: one verdict of the pipe rules for each, marked by an
// argument of its shell or writer, and none for the near misses.
void check_one_verdict_each(SensorProcess &sensor, const std::string &id, const std::vector<std::string> &markers) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    std::map<std::string, int> per_pipeline, once;
    for (const auto &m : markers) once[m] = 1;
    for (const auto &verdict : sensor.verdicts()) {
        if (verdict.container().id() != id || !kPipeRules.count(verdict.rule())) continue;
        INFO(verdict.rule() << ": " << joined(verdict));
        bool attack = false;
        for (const auto &m : markers)
            if (joined(verdict).find(m) != std::string::npos) {
                per_pipeline[m]++;
                attack = true;
            }
        CHECK(attack);  // a near miss's shell or writer otherwise
    }
    CHECK(per_pipeline == once);
}

}  // namespace

TEST_CASE("download piped to a shell: busybox wget either side last, renamed copies, not cat, echo, tee or sh -c",
          "[integration][pipe]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .extra_links = {"tee"}}));
    const std::vector<std::string> markers = {"shell-last", "writer-last", "renamed", "nameless"};
    const std::string url = serve_scripts(c, "/bin/busybox", markers, {{"quiet.sh", "true nearmiss\n"}});

    // near misses first, each marked "nearmiss"
    REQUIRE(c.exec("cat /www/quiet.sh | sh") == 0);
    REQUIRE(c.exec("echo 'true nearmiss' | sh") == 0);
    REQUIRE(c.exec("wget -q -O - " + url + "quiet.sh?nearmiss | tee /tmp/nearmiss.tee") == 0);
    REQUIRE(c.exec("wget -q -O - " + url + "quiet.sh?nearmiss | sh -c 'cat >/tmp/nearmiss.sh'") == 0);
    REQUIRE(c.exec("sh /www/quiet.sh nearmiss | tee /tmp/nearmiss.out") == 0);

    // The shell execs after the download has been fetched (and perhaps
    // ended): the shell's exec fires, for wget and for a copy of busybox in
    // /tmp started as wget (whose own exec is drift_exec_from_writable_dir's).
    REQUIRE(c.exec("cp /bin/busybox /tmp/getter && cp /bin/busybox /tmp/busyboxd") == 0);
    const std::vector<std::pair<std::string, std::string>> shell_last = {
        {"shell-last", "wget -q -O - " + url + "shell-last.sh"},
        {"renamed", "exec -a wget /tmp/getter -q -O - " + url + "renamed.sh"}};
    v1::Verdict v;
    for (const auto &[marker, writer] : shell_last) {
        INFO(marker);
        REQUIRE(c.exec("( (" + writer + ") | (sleep 1; exec sh -s " + marker + ") ) >/dev/null 2>&1 &") == 0);
        if (!wait_pipe_verdict(sensor, "download_piped_to_shell", id, "-s " + marker, v)) FAIL(seen(sensor, id));
        CHECK(v.cgroup_id() == c.cgroup_id());
        CHECK(v.category() == "drift");
        CHECK(v.severity() == "medium");
        CHECK(v.event().type() == "exec");
        CHECK(v.output().find("reads its program from") != std::string::npos);
        CHECK(v.output().find(marker + ".sh") != std::string::npos);  // the writer's arguments
        check_shell(v, c, marker);
    }

    // The writer execs after the shell: the writer's exec fires (by its name
    // wget), or its first connect does (a copy of busybox whose names say
    // nothing). The verdict is the writer's: a sibling or child of the shell
    // that ran the download.
    const std::vector<std::pair<std::string, std::string>> writers = {
        {"writer-last", "wget -q -O - " + url + "writer-last.sh"},
        {"nameless", "/tmp/busyboxd wget -q -O - " + url + "nameless.sh"}};
    for (const auto &[marker, writer] : writers) {
        INFO(marker);
        REQUIRE(c.exec("( (sleep 1; exec " + writer + ") | sh -s " + marker + ") >/dev/null 2>&1 &") == 0);
        if (!wait_pipe_verdict(sensor, "download_piped_to_running_shell", id, marker + ".sh", v))
            FAIL(seen(sensor, id));
        CHECK(v.cgroup_id() == c.cgroup_id());
        CHECK(v.event().type() == (marker == "nameless" ? "connect" : "exec"));
        CHECK(v.output().find("(-s " + marker + "), which reads its program from it") != std::string::npos);
        check_writer(v, c, id, marker);
    }

    check_one_verdict_each(sensor, id, markers);
}

TEST_CASE("download piped to a shell in a Debian userland: curl into bash -s, a python urlopen one-liner into sh, "
          "not into python3 -m json.tool",
          "[integration][pipe]") {
    SensorProcess sensor;
    START_SENSOR(sensor);
    const std::string id = random_container_id();
    RuncContainer c;
    START_CONTAINER(c, (ContainerSpec{.cgroups_path = docker_path(id), .host_userland = true}));
    const std::string url = serve_scripts(c, "/usr/bin/busybox", {"curl", "python"}, {{"data.json", "{\"nearmiss\": 1}\n"}});

    // near misses: a download read as data by an interpreter
    REQUIRE(c.run({"/bin/bash", "-c", "curl -fsS " + url + "data.json | python3 -m json.tool >/dev/null"}) == 0);
    REQUIRE(c.run({"/bin/bash", "-c",
                   "curl -fsS " + url + "data.json | python3 -c 'import json, sys; json.load(sys.stdin)'"}) == 0);

    // curl, then bash told to read its program from stdin (with arguments, as install scripts are run)
    REQUIRE(c.run({"/bin/bash", "-c",
                   "( (curl -fsS " + url + "curl.sh) | (sleep 1; exec bash -s -- --prefix=/opt/curl) ) "
                   ">/dev/null 2>&1 &"}) == 0);
    v1::Verdict v;
    if (!wait_pipe_verdict(sensor, "download_piped_to_shell", id, "--prefix=/opt/curl", v)) FAIL(seen(sensor, id));
    CHECK(v.cgroup_id() == c.cgroup_id());
    check_shell(v, c, "curl");

    // sh first, then a python one-liner with no downloader's name: its first connect fires
    const std::string python = "import urllib.request as u; print(u.urlopen('" + url + "python.sh').read().decode(), end='')";
    REQUIRE(c.run({"/bin/bash", "-c", "( (sleep 1; exec python3 -c \"$0\") | sh -s python ) >/dev/null 2>&1 &",
                   python}) == 0);
    if (!wait_pipe_verdict(sensor, "download_piped_to_running_shell", id, "urlopen", v)) FAIL(seen(sensor, id));
    CHECK(v.event().type() == "connect");
    CHECK(v.process().comm() == "python3");
    check_writer(v, c, id, "python");

    check_one_verdict_each(sensor, id, {"--prefix=/opt/curl", "urlopen"});
}
