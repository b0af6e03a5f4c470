#include "cli/profiles_command.h"

#include <getopt.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "cli/connection.h"
#include "cli/profile_store.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

const char *kUsage =
    "Usage: crowsnest profiles [--db PATH | connection options] COMMAND\n"
    "  list                        each profile: state, entries, key\n"
    "  show KEY                    a profile as YAML\n"
    "  export KEY [-o FILE]        the same, to FILE\n"
    "  import FILE...              profiles from YAML files (each replaces the profile of its key)\n"
    "  lock KEY                    stop learning: anything new is an anomaly\n"
    "  relearn KEY                 forget the entries and learn again\n"
    "  forget KEY                  delete the profile\n"
    "\n"
    "The running sensor is asked over gRPC (its changes hold at once and are kept in its\n"
    "database); --db PATH works on a database offline instead, while no sensor uses it\n"
    "(the sensor's default is /var/lib/crowsnest/profiles.db).\n\n";

int fail(const std::string &message, int code = 1) {
    std::fprintf(stderr, "crowsnest profiles: %s\n", message.c_str());
    return code;
}

int usage() {
    std::fprintf(stderr, "%s%s", kUsage, connection_usage());
    return 2;
}

int list(ProfileStore &store) {
    std::vector<ProfileRow> rows;
    std::string error;
    if (!store.list(rows, error)) return fail(error);
    for (const auto &r : rows)
        std::printf("%-8s %6zu%s  %s\n", profile_state_name(r.state), r.entries, r.overflow ? " overflow" : "",
                    r.key.c_str());
    return 0;
}

int show(ProfileStore &store, const std::string &key, const std::string &file) {
    std::string yaml, error;
    if (!store.yaml(key, yaml, error)) return fail(error);
    if (file.empty()) {
        std::fputs(yaml.c_str(), stdout);
        return 0;
    }
    std::ofstream out(file);
    if (!(out << yaml) || !(out.close(), out)) return fail(file + ": cannot write: " + std::strerror(errno));
    return 0;
}

int import(ProfileStore &store, const std::vector<std::string> &files) {
    for (const auto &file : files) {
        std::string text, error;
        ProfileRow row;
        if (!read_whole_file(file, text, error)) return fail(file + ": " + error);
        if (!store.import(text, file, row, error)) return fail(error);
        std::printf("imported %s (%s, %zu entries)\n", row.key.c_str(), profile_state_name(row.state), row.entries);
    }
    return 0;
}

int run(ProfileStore &store, const std::vector<std::string> &args, const std::string &out_file) {
    const std::string &command = args[0];
    if (command == "list") return list(store);
    if (command == "import") return import(store, {args.begin() + 1, args.end()});
    if (command == "show" || command == "export") return show(store, args[1], out_file);
    std::string error;
    if (command == "forget") {
        if (!store.forget(args[1], error)) return fail(error);
        std::printf("%s: forgotten\n", args[1].c_str());
        return 0;
    }
    ProfileRow row;
    if (!(command == "lock" ? store.lock(args[1], row, error) : store.relearn(args[1], row, error))) return fail(error);
    std::printf("%s: %s\n", args[1].c_str(), profile_state_name(row.state));
    return 0;
}

}  // namespace

int run_profiles_command(int argc, char **argv) {
    enum { OPT_DB = 1 };
    ClientOptions conn;
    std::string db_path;
    const auto longopts = with_connection({{"db", required_argument, nullptr, OPT_DB}});
    optind = 0;
    opterr = 0;
    int c;
    // "+": options stop at the command (export's -o comes after it)
    while ((c = getopt_long(argc, argv, "+", longopts.data(), nullptr)) != -1) {
        if (parse_connection_option(c, optarg, conn)) continue;
        if (c != OPT_DB) return usage();
        db_path = optarg;
    }
    std::vector<std::string> args(argv + optind, argv + argc);
    std::string out_file;
    if (args.size() == 4 && args[0] == "export" && args[2] == "-o") {
        out_file = args[3];
        args.resize(2);
    }
    const std::string command = args.empty() ? "" : args[0];
    const bool one_key = command == "show" || command == "export" || command == "lock" || command == "relearn" ||
                         command == "forget";
    if (!(command == "list" && args.size() == 1) && !(one_key && args.size() == 2) &&
        !(command == "import" && args.size() >= 2))
        return usage();
    if (one_key && args[1].empty()) return fail("the profile's key is empty (list shows the keys)", 2);

    std::string error, notice;
    std::unique_ptr<ProfileStore> store;
    if (!db_path.empty()) {
        store = offline_profiles(db_path, error, notice);
        if (!notice.empty()) std::fprintf(stderr, "crowsnest profiles: %s\n", notice.c_str());
    } else if (auto channel = make_channel(conn, error)) {
        store = sensor_profiles(channel, conn.address.empty() ? "unix:" + conn.socket : conn.address);
    }
    if (!store) return fail(error);
    return run(*store, args, out_file);
}

}  // namespace crowsnest
