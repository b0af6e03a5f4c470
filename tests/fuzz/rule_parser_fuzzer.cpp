// libFuzzer target for the rule language: every input is
//   1. a condition, given to parse_condition;
//   2. a whole rule file, loaded by RuleSet::load;
//   3. the condition of a rule in a file with lists and macros, loaded and,
//      when it compiles, matched against a few events (exec, connect, open,
//      exit), which runs the compiled operators (glob, pmatch, regex...),
//      the field readers, thresholds and output templates.
// Nothing may crash, leak or hit undefined behaviour (ASan, UBSan, LSan).
// tests/CMakeLists.txt builds it with clang++ and runs it for a bounded time
// on tests/fuzz/corpus.
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/condition_parser.h"
#include "event/event_context.h"
#include "enrich/process_table.h"
#include "rules/rule_set.h"

using namespace crowsnest;

namespace {

// One file per process, written for each input and removed once loaded
// (RuleSet loads files; libFuzzer ends with _Exit, so no atexit clean-up).
// /dev/shm when there is one: no disk writes.
const std::string &scratch_path() {
    static const std::string path =
        std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + "/crowsnest-rule-fuzz-" +
        std::to_string(getpid()) + ".yaml";
    return path;
}

std::unique_ptr<RuleSet> load_text(std::string_view text) {
    {
        std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
        out.write(text.data(), std::streamsize(text.size()));
    }
    std::vector<std::string> errors, warnings;
    auto rules = RuleSet::load({scratch_path()}, errors, warnings);
    std::remove(scratch_path().c_str());
    return rules;
}

// Lists and macros a fuzzed condition may name.
const char *kPrelude = R"(- list: ports
  items: [80, 443, 3333]
- list: shells
  items: [bash, sh]
- list: more_shells
  items: [shells, dash]
- list: nets
  items: ["10.0.0.0/8", "fd00::/8"]
- list: dirs
  items: [/etc, /root/.ssh, /usr/bin/]
- macro: spawned
  condition: evt.type in (execve, execveat) and evt.failed = false
- macro: in_ctr
  condition: container.id != host
- macro: shell_in_ctr
  condition: spawned and in_ctr and proc.name in (more_shells)
)";

// A rule with `condition` as a literal block scalar (any text stays text).
std::string rule_file(std::string_view condition) {
    std::string out = kPrelude;
    out += "- rule: fuzz\n  desc: fuzzed condition\n  condition: |-\n    ";
    for (char c : condition) {
        out += c;
        if (c == '\n') out += "    ";
    }
    out += "\n  output: \"%proc.name %proc.cmdline %fd.name %proc.aname[2] %proc.optval[--algo] %fd.sip\"\n"
           "  priority: WARNING\n  tags: [miner]\n"
           "  threshold:\n    group_by: [proc.name]\n    distinct: fd.sport\n    at_least: 2\n    within: 1s\n"
           "- rule: fuzz_plain\n  desc: same, no threshold\n  condition: |-\n    ";
    for (char c : condition) {
        out += c;
        if (c == '\n') out += "    ";
    }
    out += "\n  output: \"%evt.type %evt.res %proc.argv %proc.aname\"\n  priority: INFO\n";
    return out;
}

struct Events {
    Event exec, connect4, connect6, connect_unix, open, exit;
    ProcessInfo process{4321, 4300, "xmrig", "/tmp/.x/xmrig", {"./xmrig", "--algo", "rx/0", "-o", "stratum+tcp://p:3333"}};
    ProcessInfo parent{4300, 1, "sh", "/bin/sh", {"sh", "-c", "entrypoint"}};
    CgroupEntry container{"/docker/abc", {"abc", "docker", ""}};
    CgroupEntry host{"/system.slice/ssh.service", {}};
    ProcessTable table{"/nonexistent-proc-root"};

    Events() {
        for (Event *e : {&exec, &connect4, &connect6, &connect_unix, &open, &exit}) {
            e->pid = e->tid = 4321;
            e->ppid = 4300;
            e->comm = "xmrig";
            e->cgroup_id = 77;
        }
        exec.type = EventType::Exec;
        exec.filename = "/tmp/.x/xmrig";
        exec.argv = process.args;
        exec.syscall = Syscall::Execve;
        connect4.type = connect6.type = connect_unix.type = EventType::Connect;
        connect4.family = AF_INET;
        inet_pton(AF_INET, "10.1.2.3", connect4.addr.data());
        connect4.port = 3333;
        connect6.family = AF_INET6;
        inet_pton(AF_INET6, "fd00::1", connect6.addr.data());
        connect6.port = 443;
        connect6.ret = -115;
        connect_unix.family = AF_UNIX;
        connect_unix.unix_path = std::string("sock\0et", 7);
        connect_unix.unix_abstract = true;
        open.type = EventType::Open;
        open.path = "/etc/shadow";
        open.open_flags = O_RDWR | O_CREAT;
        open.syscall = Syscall::IoUringOpenat;
        open.ret = 3;
        exit.type = EventType::Exit;
    }

    void match_all(const RuleSet &rules) {
        uint64_t t = 0;
        std::vector<Detection> out;
        for (int round = 0; round < 2; round++) {
            for (const Event *e : {&exec, &connect4, &connect6, &connect_unix, &open, &exit}) {
                const_cast<Event *>(e)->boot_ns = t += 300000000;  // 0.3 s apart: windows fill and expire
                EventContext ctx;
                ctx.event = e;
                ctx.cgroup = round ? &host : &container;
                ctx.process = round && e->type != EventType::Exec ? nullptr : &process;
                ctx.parent = round ? nullptr : &parent;
                ctx.processes = &table;
                ctx.host_pid_ns = round == 1;
                if (e->type == EventType::Open) {
                    ctx.resolved_path = e->path;
                    ctx.host_path = round ? "" : "/etc/shadow";
                }
                out.clear();
                rules.match(ctx, out);
                for (auto &d : out) rules.render_output(d);
            }
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static Events *events = new Events();  // lives for the process
    const std::string_view text(reinterpret_cast<const char *>(data), size);

    ConditionError error;
    auto tree = parse_condition(text, error);
    if (!tree && error.offset > text.size()) std::abort();  // an error must point inside the text

    load_text(text);

    if (auto rules = load_text(rule_file(text))) events->match_all(*rules);
    return 0;
}
