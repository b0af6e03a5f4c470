#include "cli/status_command.h"

#include <getopt.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "cli/connection.h"
#include "crowsnest.grpc.pb.h"
#include "proto_json.h"

namespace crowsnest {

int run_status(int argc, char **argv) {
    ClientOptions conn;
    bool json = false;
    const auto longopts = with_connection({{"output", required_argument, nullptr, 'o'},
                                           {"help", no_argument, nullptr, 'h'}});
    optind = 0;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", longopts.data(), nullptr)) != -1) {
        if (parse_connection_option(c, optarg, conn)) continue;
        if (c == 'o' && (!std::strcmp(optarg, "json") || !std::strcmp(optarg, "text"))) {
            json = !std::strcmp(optarg, "json");
        } else if (c == 'h') {
            std::printf("Usage: crowsnest status [-o text|json] [connection options]\n\n%s", connection_usage());
            return 0;
        } else {
            std::fprintf(stderr, "crowsnest status: bad option %s\n", argv[optind - 1]);
            return 2;
        }
    }
    std::string error;
    auto channel = make_channel(conn, error);
    if (!channel) {
        std::fprintf(stderr, "crowsnest status: %s\n", error.c_str());
        return 1;
    }
    v1::Status st;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    auto s = v1::Sensor::NewStub(channel)->GetStatus(&ctx, {}, &st);
    if (!s.ok()) {
        std::fprintf(stderr, "crowsnest status: %s\n", s.error_message().c_str());
        return 1;
    }
    if (json) {
        std::printf("%s\n", to_json_line(st).c_str());
        return 0;
    }
    std::printf("crowsnest %s, up %llus, %llu rules\n", st.version().c_str(), (unsigned long long)st.uptime_seconds(),
                (unsigned long long)st.rules_loaded());
    for (const auto &counter : st.counters())
        std::printf("  %s %llu\n", counter.name().c_str(), (unsigned long long)counter.value());
    std::printf("  verdict sequence %llu (kept from %llu)\n", (unsigned long long)st.last_verdict_sequence(),
                (unsigned long long)st.oldest_kept_sequence());
    std::printf("subscribers %d\n", st.subscribers_size());
    for (const auto &sub : st.subscribers())
        std::printf("  #%llu %s %s sent %llu dropped %llu queued %llu\n", (unsigned long long)sub.id(),
                    sub.stream().c_str(), sub.peer().c_str(), (unsigned long long)sub.sent(),
                    (unsigned long long)sub.dropped(), (unsigned long long)sub.queued());
    return 0;
}

}  // namespace crowsnest
