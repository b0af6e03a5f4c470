#include "cli/profiles_command.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <cerrno>
#include <string>
#include <vector>

#include "profile/profile_db.h"
#include "profile/profile_yaml.h"
#include "util/clocks.h"
#include "util/path_util.h"

namespace crowsnest {

namespace {

const char *kUsage =
    "Usage: crowsnest profiles [--db PATH] COMMAND     (default database /var/lib/crowsnest/profiles.db)\n"
    "  list                        each profile: state, entries, key\n"
    "  show KEY                    a profile as YAML\n"
    "  export KEY [-o FILE]        the same, to FILE\n"
    "  import FILE...              profiles from YAML files (each replaces the profile of its key)\n"
    "  lock KEY                    stop learning: anything new is an anomaly\n"
    "  relearn KEY                 forget the entries and learn again\n"
    "  forget KEY                  delete the profile\n";

int fail(const std::string &message, int code = 1) {
    std::fprintf(stderr, "crowsnest profiles: %s\n", message.c_str());
    return code;
}

int list(ProfileDb &db) {
    std::vector<ProfileRow> rows;
    std::string error;
    if (!db.list(rows, error)) return fail(error);
    for (const auto &r : rows)
        std::printf("%-8s %6zu%s  %s\n", profile_state_name(r.state), r.entries, r.overflow ? " overflow" : "",
                    r.key.c_str());
    return 0;
}

int show(ProfileDb &db, const std::string &key, const std::string &file) {
    Profile p;
    bool found = false;
    std::string error;
    if (!db.load(key, p, found, error)) return fail(error);
    if (!found) return fail("no profile '" + key + "'");
    const std::string yaml = profile_to_yaml(p);
    if (file.empty()) {
        std::fputs(yaml.c_str(), stdout);
        return 0;
    }
    std::ofstream out(file);
    if (!(out << yaml) || !(out.close(), out)) return fail(file + ": cannot write: " + std::strerror(errno));
    return 0;
}

int import(ProfileDb &db, const std::vector<std::string> &files) {
    for (const auto &file : files) {
        std::string text, error;
        Profile p;
        if (!read_whole_file(file, text, error)) return fail(file + ": " + error);
        if (!profile_from_yaml(text, file, p, error)) return fail(error);
        if (!p.first_seen_ns) p.first_seen_ns = p.last_new_ns = wall_clock_ns();  // a hand-written profile learns from now
        if (!db.replace(p, error)) return fail(error);
        std::printf("imported %s (%s, %zu entries)\n", p.key.c_str(), profile_state_name(p.state), p.entry_count());
    }
    return 0;
}

// lock and relearn: a change of the profile's row (relearn: and its entries).
int change(ProfileDb &db, const std::string &key, bool relearn) {
    Profile p;
    bool found = false;
    std::string error;
    if (!db.load(key, p, found, error)) return fail(error);
    if (!found) return fail("no profile '" + key + "'");
    ProfileRow row = row_of(p);
    std::vector<ProfileChange> batch;
    if (relearn) {
        row.state = ProfileState::Learning;
        row.first_seen_ns = row.last_new_ns = wall_clock_ns();
        row.overflow = false;
        batch.push_back({ProfileChange::Op::ClearEntries, row});
    } else {
        row.state = ProfileState::Locked;
    }
    batch.push_back({ProfileChange::Op::Save, row});
    if (!db.apply(batch, error)) return fail(error);
    std::printf("%s: %s\n", key.c_str(), profile_state_name(row.state));
    return 0;
}

int forget(ProfileDb &db, const std::string &key) {
    bool found = false;
    std::string error;
    if (!db.forget(key, found, error)) return fail(error);
    if (!found) return fail("no profile '" + key + "'");
    std::printf("%s: forgotten\n", key.c_str());
    return 0;
}

}  // namespace

int run_profiles_command(int argc, char **argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string db_path = "/var/lib/crowsnest/profiles.db", out_file;
    if (args.size() >= 2 && args[0] == "--db") {
        db_path = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.size() >= 4 && args[0] == "export" && args[2] == "-o") {
        out_file = args[3];
        args.resize(2);
    }
    const std::string command = args.empty() ? "" : args[0];
    const bool one_key = command == "show" || command == "export" || command == "lock" || command == "relearn" ||
                         command == "forget";
    if (!(command == "list" && args.size() == 1) && !(one_key && args.size() == 2) &&
        !(command == "import" && args.size() >= 2)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::string error, notice;
    auto db = ProfileDb::open(db_path, error, notice);
    if (!notice.empty()) std::fprintf(stderr, "crowsnest profiles: %s\n", notice.c_str());
    if (!db) return fail(error);
    if (command == "list") return list(*db);
    if (command == "import") return import(*db, {args.begin() + 1, args.end()});
    if (command == "lock" || command == "relearn") return change(*db, args[1], command == "relearn");
    if (command == "forget") return forget(*db, args[1]);
    return show(*db, args[1], out_file);
}

}  // namespace crowsnest
