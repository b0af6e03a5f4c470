#include "cli/watch_command.h"

#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cli/connection.h"
#include "cli/line_format.h"
#include "crowsnest.grpc.pb.h"
#include "proto_json.h"

namespace crowsnest {

namespace {

const char *watch_usage() {
    return R"(Usage: crowsnest watch [options]

Prints the daemon's verdicts as they happen, one line each. When the
connection drops it reconnects and resumes after the last verdict it printed.

Filters (a verdict passes if it matches every --X given, and no --not-X):
      --category NAME       miner, scanner, host_mount, escape, ... (repeatable)
      --min-severity LEVEL  info, low, medium, high, critical
      --rule NAME           (repeatable)
      --event-type TYPE     exec, open, connect, exit (repeatable)
      --container ID        full id or a prefix (repeatable)
      --pod UID             (repeatable)
      --namespace NS        Kubernetes namespace (repeatable)
      --pod-name NAME       pod name or a prefix (repeatable)
      --image IMAGE         image or a prefix, e.g. registry.example/shop/ (repeatable)
      --process NAME        process name or executable's base name (repeatable)
      --not-category, --not-rule, --not-event-type, --not-container, --not-pod,
      --not-namespace, --not-pod-name, --not-image,
      --not-process VALUE   leave these out (repeatable)
Output:
      --resume SEQ          first the kept verdicts after sequence SEQ
      --events              every event instead of verdicts (no verdict filters)
  -o, --output FORMAT       text (default) or json: the protobuf JSON mapping
      --color, --no-color   colours (default: when stdout is a terminal)
  -n, --count N             exit after N messages
)";
}

enum {
    OPT_CATEGORY = 1, OPT_MIN_SEV, OPT_RULE, OPT_TYPE, OPT_CONTAINER, OPT_POD, OPT_PROCESS,
    OPT_NOT_CATEGORY, OPT_NOT_RULE, OPT_NOT_TYPE, OPT_NOT_CONTAINER, OPT_NOT_POD, OPT_NOT_PROCESS,
    OPT_NAMESPACE, OPT_POD_NAME, OPT_IMAGE, OPT_NOT_NAMESPACE, OPT_NOT_POD_NAME, OPT_NOT_IMAGE,
    OPT_RESUME, OPT_EVENTS, OPT_COLOR, OPT_NO_COLOR, OPT_HELP = 'h', OPT_OUTPUT = 'o', OPT_COUNT = 'n'
};

struct WatchOptions {
    ClientOptions conn;
    v1::StreamRequest request;
    bool events = false, json = false, color = false;
    uint64_t count = 0;  // 0: no limit
};

bool parse_watch(int argc, char **argv, WatchOptions &w, std::string &error) {
    const auto longopts = with_connection({
        {"category", required_argument, nullptr, OPT_CATEGORY},
        {"min-severity", required_argument, nullptr, OPT_MIN_SEV},
        {"rule", required_argument, nullptr, OPT_RULE},
        {"event-type", required_argument, nullptr, OPT_TYPE},
        {"container", required_argument, nullptr, OPT_CONTAINER},
        {"pod", required_argument, nullptr, OPT_POD},
        {"process", required_argument, nullptr, OPT_PROCESS},
        {"not-category", required_argument, nullptr, OPT_NOT_CATEGORY},
        {"not-rule", required_argument, nullptr, OPT_NOT_RULE},
        {"not-event-type", required_argument, nullptr, OPT_NOT_TYPE},
        {"not-container", required_argument, nullptr, OPT_NOT_CONTAINER},
        {"not-pod", required_argument, nullptr, OPT_NOT_POD},
        {"not-process", required_argument, nullptr, OPT_NOT_PROCESS},
        {"namespace", required_argument, nullptr, OPT_NAMESPACE},
        {"pod-name", required_argument, nullptr, OPT_POD_NAME},
        {"image", required_argument, nullptr, OPT_IMAGE},
        {"not-namespace", required_argument, nullptr, OPT_NOT_NAMESPACE},
        {"not-pod-name", required_argument, nullptr, OPT_NOT_POD_NAME},
        {"not-image", required_argument, nullptr, OPT_NOT_IMAGE},
        {"resume", required_argument, nullptr, OPT_RESUME},
        {"events", no_argument, nullptr, OPT_EVENTS},
        {"color", no_argument, nullptr, OPT_COLOR},
        {"no-color", no_argument, nullptr, OPT_NO_COLOR},
        {"output", required_argument, nullptr, OPT_OUTPUT},
        {"count", required_argument, nullptr, OPT_COUNT},
        {"help", no_argument, nullptr, OPT_HELP},
    });
    v1::StreamFilter allow;
    w.color = isatty(STDOUT_FILENO);
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:n:h", longopts.data(), nullptr)) != -1) {
        if (parse_connection_option(c, optarg, w.conn)) continue;
        switch (c) {
        case OPT_CATEGORY: allow.add_categories(optarg); break;
        case OPT_MIN_SEV: allow.set_min_severity(optarg); break;
        case OPT_RULE: allow.add_rules(optarg); break;
        case OPT_TYPE: allow.add_event_types(optarg); break;
        case OPT_CONTAINER: allow.add_container_ids(optarg); break;
        case OPT_POD: allow.add_pod_uids(optarg); break;
        case OPT_PROCESS: allow.add_process_names(optarg); break;
        case OPT_NAMESPACE: allow.add_namespaces(optarg); break;
        case OPT_POD_NAME: allow.add_pod_names(optarg); break;
        case OPT_IMAGE: allow.add_images(optarg); break;
        // each --not-X is a deny filter of its own: any one of them excludes
        case OPT_NOT_CATEGORY: w.request.add_deny()->add_categories(optarg); break;
        case OPT_NOT_RULE: w.request.add_deny()->add_rules(optarg); break;
        case OPT_NOT_TYPE: w.request.add_deny()->add_event_types(optarg); break;
        case OPT_NOT_CONTAINER: w.request.add_deny()->add_container_ids(optarg); break;
        case OPT_NOT_POD: w.request.add_deny()->add_pod_uids(optarg); break;
        case OPT_NOT_PROCESS: w.request.add_deny()->add_process_names(optarg); break;
        case OPT_NOT_NAMESPACE: w.request.add_deny()->add_namespaces(optarg); break;
        case OPT_NOT_POD_NAME: w.request.add_deny()->add_pod_names(optarg); break;
        case OPT_NOT_IMAGE: w.request.add_deny()->add_images(optarg); break;
        case OPT_RESUME: w.request.set_after_sequence(std::strtoull(optarg, nullptr, 10)); break;
        case OPT_EVENTS: w.events = true; break;
        case OPT_COLOR: w.color = true; break;
        case OPT_NO_COLOR: w.color = false; break;
        case OPT_COUNT: w.count = std::strtoull(optarg, nullptr, 10); break;
        case OPT_OUTPUT:
            if (std::strcmp(optarg, "json") && std::strcmp(optarg, "text")) {
                error = std::string("-o takes text or json, not '") + optarg + "'";
                return false;
            }
            w.json = !std::strcmp(optarg, "json");
            break;
        case OPT_HELP: std::fputs(watch_usage(), stdout), std::fputs(connection_usage(), stdout), std::exit(0);
        case ':': error = std::string("option ") + argv[optind - 1] + " needs a value"; return false;
        default: error = std::string("unknown option ") + argv[optind - 1]; return false;
        }
    }
    if (optind < argc) {
        error = std::string("unexpected argument '") + argv[optind] + "'";
        return false;
    }
    if (allow.ByteSizeLong() > 0) *w.request.add_allow() = allow;
    return true;
}

// How one stream ended.
struct StreamEnd {
    grpc::Status status;
    bool unreadable = false;  // a message could not be read while the stream stayed open
};

// Finish() waits for the server's status. After a Read() that failed on a
// message this client could not parse, the server keeps the stream open and
// Finish() would wait for ever: cancel the call when no status comes.
template <typename Reader>
StreamEnd finish(grpc::ClientContext &ctx, Reader &reader) {
    auto done = std::async(std::launch::async, [&] { return reader->Finish(); });
    if (done.wait_for(std::chrono::seconds(2)) == std::future_status::ready) return {done.get(), false};
    ctx.TryCancel();
    return {done.get(), true};
}

// Reads one stream until it ends. `printed` counts messages; `last` is the
// last sequence seen, to resume after.
template <typename Msg, typename Start>
StreamEnd watch_once(const WatchOptions &w, Start start, uint64_t &printed, std::optional<uint64_t> &last,
                     std::string &space, bool &got_headers) {
    grpc::ClientContext ctx;
    v1::StreamRequest req = w.request;
    if (last) req.set_after_sequence(*last);
    req.set_sequence_space(space);
    auto reader = start(&ctx, req);
    reader->WaitForInitialMetadata();
    // what the sequences of this stream are numbered in: sent back on resume
    const auto &headers = ctx.GetServerInitialMetadata();
    if (auto it = headers.find("crowsnest-sequence-space"); it != headers.end())
        space.assign(it->second.data(), it->second.size());
    Msg m;
    while (reader->Read(&m)) {
        got_headers = true;
        if (!m.has_gap()) last = m.sequence();
        std::string line;
        if (w.json) line = to_json_line(m);
        else if constexpr (std::is_same_v<Msg, v1::Verdict>) line = verdict_line(m, w.color);
        else line = event_line(m, w.color);
        std::printf("%s\n", line.c_str());
        std::fflush(stdout);
        if (w.count && ++printed >= w.count) {
            ctx.TryCancel();
            return {reader->Finish(), false};
        }
    }
    return finish(ctx, reader);
}

}  // namespace

int run_watch(int argc, char **argv) {
    WatchOptions w;
    std::string error;
    if (!parse_watch(argc, argv, w, error)) {
        std::fprintf(stderr, "crowsnest watch: %s\n", error.c_str());
        return 2;
    }
    auto channel = make_channel(w.conn, error);
    if (!channel) {
        std::fprintf(stderr, "crowsnest watch: %s\n", error.c_str());
        return 1;
    }
    auto stub = v1::Sensor::NewStub(channel);
    std::optional<uint64_t> last;
    if (w.request.has_after_sequence()) last = w.request.after_sequence();
    std::string space = w.request.sequence_space();
    uint64_t printed = 0;
    bool connected_once = false;
    std::optional<uint64_t> unreadable_after;  // where the last unreadable message came
    int unreadable_times = 0;
    for (;;) {
        bool got = false;
        StreamEnd end = w.events
            ? watch_once<v1::Event>(w, [&](auto *ctx, const auto &r) { return stub->StreamEvents(ctx, r); }, printed, last, space, got)
            : watch_once<v1::Verdict>(w, [&](auto *ctx, const auto &r) { return stub->StreamVerdicts(ctx, r); }, printed, last, space, got);
        connected_once |= got;
        if (w.count && printed >= w.count) return 0;
        if (end.unreadable) {
            // report it, then resume after the last message read; the same
            // unreadable message three times in a row is skipped
            unreadable_times = unreadable_after == last ? unreadable_times + 1 : 1;
            unreadable_after = last;
            std::fprintf(stderr, "crowsnest watch: a message after sequence %s could not be read (%s)%s\n",
                         last ? std::to_string(*last).c_str() : "(none)", end.status.error_message().c_str(),
                         unreadable_times >= 3 ? ", skipping it" : ", reconnecting");
            if (unreadable_times >= 3 && last) last = *last + 1;
            continue;
        }
        const grpc::Status &s = end.status;
        // a lost connection is retried once it has worked; anything else ends
        if (s.error_code() != grpc::StatusCode::UNAVAILABLE || !connected_once) {
            std::fprintf(stderr, "crowsnest watch: %s\n",
                         s.ok() ? "the daemon ended the stream" : s.error_message().c_str());
            return s.ok() ? 0 : 1;
        }
        std::fprintf(stderr, "crowsnest watch: connection lost (%s), reconnecting\n", s.error_message().c_str());
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

}  // namespace crowsnest
