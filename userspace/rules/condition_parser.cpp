#include "rules/condition_parser.h"

#include <array>
#include <cctype>

namespace crowsnest {

namespace {

constexpr std::array<std::string_view, 18> kOperators = {
    "=", "!=", "<", "<=", ">", ">=", "in", "intersects", "contains", "icontains", "startswith", "endswith",
    "glob", "pmatch", "exists", "regex", "bcontains", "bstartswith"};

// Bounds the recursion on hostile input such as ten thousand '('.
constexpr int kMaxDepth = 100;

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool ends_bare_value(char c) { return is_space(c) || c == '(' || c == ')' || c == ','; }

class Parser {
public:
    Parser(std::string_view text, ConditionError &error) : s_(text), error_(error) {}

    // The whole text as one value (a list item): the text inside the quotes
    // of a quoted one; false when the text is not exactly one quoted value.
    bool whole_quoted_value(std::string &out) {
        ConditionValue v;
        if (at_end() || (s_[0] != '"' && s_[0] != '\'') || !parse_value(v, "") || !at_end()) return false;
        out = std::move(v.text);
        return true;
    }

    std::unique_ptr<ConditionExpr> parse() {
        skip_space();
        if (at_end()) return fail(0, "the condition is empty");
        auto e = parse_or(0);
        if (!e) return nullptr;
        skip_space();
        if (at_end()) return e;
        if (s_[i_] == ')') return fail(i_, "unbalanced parentheses: ')' has no matching '('");
        return fail(i_, "expected 'and' or 'or' before '" + std::string(peek_word_text()) + "'");
    }

private:
    using Expr = std::unique_ptr<ConditionExpr>;

    bool at_end() const { return i_ >= s_.size(); }
    void skip_space() {
        while (!at_end() && is_space(s_[i_])) i_++;
    }
    Expr fail(size_t at, std::string message) {
        if (!failed_) error_ = {uint32_t(at), std::move(message)};
        failed_ = true;
        return nullptr;
    }

    // The next run of non-separator characters, for messages.
    std::string_view peek_word_text() const {
        size_t end = i_;
        while (end < s_.size() && !ends_bare_value(s_[end])) end++;
        return s_.substr(i_, std::max<size_t>(end - i_, 1));
    }

    // Consumes `word` if it comes next as a whole word.
    bool keyword(std::string_view word) {
        skip_space();
        if (s_.substr(i_, word.size()) != word) return false;
        const size_t after = i_ + word.size();
        if (after < s_.size() && is_name_char(s_[after])) return false;
        i_ = after;
        return true;
    }

    Expr join(ConditionExpr::Kind kind, Expr first, size_t depth, Expr (Parser::*next)(size_t),
              std::string_view word) {
        if (!first) return nullptr;
        Expr node;
        while (keyword(word)) {
            Expr rhs = (this->*next)(depth);
            if (!rhs) return nullptr;
            if (!node) {
                node = std::make_unique<ConditionExpr>();
                node->kind = kind;
                node->offset = first->offset;
                node->children.push_back(std::move(first));
            }
            node->children.push_back(std::move(rhs));
        }
        return node ? std::move(node) : std::move(first);
    }

    Expr parse_or(size_t depth) { return join(ConditionExpr::Kind::Or, parse_and(depth), depth, &Parser::parse_and, "or"); }
    Expr parse_and(size_t depth) { return join(ConditionExpr::Kind::And, parse_not(depth), depth, &Parser::parse_not, "and"); }

    Expr parse_not(size_t depth) {
        skip_space();
        const size_t start = i_;
        if (keyword("not")) {
            if (depth >= kMaxDepth) return fail(start, "the condition is nested too deeply");
            Expr child = parse_not(depth + 1);
            if (!child) return nullptr;
            auto node = std::make_unique<ConditionExpr>();
            node->kind = ConditionExpr::Kind::Not;
            node->offset = uint32_t(start);
            node->children.push_back(std::move(child));
            return node;
        }
        return parse_primary(depth);
    }

    Expr parse_primary(size_t depth) {
        skip_space();
        if (at_end()) return fail(i_, "the condition ends where a field, a macro or '(' was expected");
        const size_t start = i_;
        if (s_[i_] == '(') {
            if (depth >= kMaxDepth) return fail(start, "the condition is nested too deeply");
            i_++;
            Expr inner = parse_or(depth + 1);
            if (!inner) return nullptr;
            skip_space();
            if (at_end() || s_[i_] != ')') return fail(start, "unbalanced parentheses: '(' is never closed");
            i_++;
            return inner;
        }
        if (s_[i_] == ')') return fail(i_, "unbalanced parentheses: ')' has no matching '('");
        if (!is_name_start(s_[i_]))
            return fail(i_, "expected a field, a macro or '(' at '" + std::string(peek_word_text()) + "'");
        return parse_name_or_compare(start);
    }

    // field[arg] op operand, or a macro's name
    Expr parse_name_or_compare(size_t start) {
        auto node = std::make_unique<ConditionExpr>();
        node->offset = uint32_t(start);
        while (!at_end() && is_name_char(s_[i_])) i_++;
        node->field = std::string(s_.substr(start, i_ - start));
        if (!at_end() && s_[i_] == '[') {
            const size_t close = s_.find(']', i_);
            if (close == std::string_view::npos) return fail(i_, "'[' after " + node->field + " is never closed");
            node->has_field_arg = true;
            node->field_arg = std::string(s_.substr(i_ + 1, close - i_ - 1));
            i_ = close + 1;
        }
        const size_t name_end = i_;
        skip_space();
        const size_t op_at = i_;
        std::string op = read_operator();
        if (op.empty()) {
            if (node->has_field_arg || node->field.find('.') != std::string::npos)
                return fail(op_at, "expected an operator after '" + std::string(s_.substr(start, name_end - start)) +
                                       "'" + (at_end() ? "" : ", found '" + std::string(peek_word_text()) + "'"));
            // "and x" (a condition that starts with and), "x and or y"
            if (node->field == "and" || node->field == "or")
                return fail(start, "expected a field, a macro or '(' at '" + node->field + "'");
            node->kind = ConditionExpr::Kind::Macro;
            node->name = std::move(node->field);
            node->field.clear();
            return node;
        }
        node->kind = ConditionExpr::Kind::Compare;
        node->op = op;
        node->op_offset = uint32_t(op_at);
        if (op == "exists") return node;
        if (!parse_operand(*node)) return nullptr;
        return node;
    }

    // An operator at i_ (consumed), or "" (nothing consumed).
    std::string read_operator() {
        if (at_end()) return "";
        const char c = s_[i_];
        if (c == '=' || c == '!' || c == '<' || c == '>') {
            const bool two = i_ + 1 < s_.size() && s_[i_ + 1] == '=';
            if (c == '!' && !two) return "";
            i_ += two ? 2 : 1;
            if (c == '=') return "=";  // "==" is Falco's spelling of "=" too
            return std::string(1, c) + (two ? "=" : "");
        }
        size_t end = i_;
        while (end < s_.size() && std::isalpha(static_cast<unsigned char>(s_[end]))) end++;
        const std::string_view word = s_.substr(i_, end - i_);
        if (word == "and" || word == "or" || word == "not" || !is_condition_operator(word)) return "";
        if (end < s_.size() && is_name_char(s_[end])) return "";
        i_ = end;
        return std::string(word);
    }

    bool parse_operand(ConditionExpr &node) {
        skip_space();
        const bool list_only = node.op == "in" || node.op == "intersects" || node.op == "pmatch";
        // contains, icontains, startswith and endswith also take a list: any of its items
        const bool list_allowed = list_only || node.op == "contains" || node.op == "icontains" ||
                                  node.op == "startswith" || node.op == "endswith";
        if (!at_end() && s_[i_] == '(') {
            if (!list_allowed) {
                fail(i_, "operator '" + node.op + "' takes one value, not a list");
                return false;
            }
            node.operand_is_list = true;
            return parse_list(node);
        }
        if (list_only) {
            fail(i_, "operator '" + node.op + "' needs a list in parentheses: " + node.op + " (a, b)");
            return false;
        }
        ConditionValue v;
        if (!parse_value(v, "operator '" + node.op + "'")) return false;
        node.values.push_back(std::move(v));
        return true;
    }

    bool parse_list(ConditionExpr &node) {
        const size_t open = i_++;
        skip_space();
        if (!at_end() && s_[i_] == ')') {
            i_++;
            return true;
        }
        for (;;) {
            ConditionValue v;
            if (!parse_value(v, "'(' or ','")) return false;
            node.values.push_back(std::move(v));
            skip_space();
            if (at_end()) {
                fail(open, "unbalanced parentheses: '(' is never closed");
                return false;
            }
            if (s_[i_] == ')') {
                i_++;
                return true;
            }
            if (s_[i_] != ',') {
                fail(i_, "expected ',' or ')' in the list, found '" + std::string(peek_word_text()) + "'");
                return false;
            }
            i_++;
        }
    }

    bool parse_value(ConditionValue &v, const std::string &after) {
        skip_space();
        v.offset = uint32_t(i_);
        if (at_end() || s_[i_] == ')' || s_[i_] == ',' || s_[i_] == '(') {
            fail(i_, "expected a value after " + after);
            return false;
        }
        const char q = s_[i_];
        if (q != '"' && q != '\'') {
            while (!at_end() && !ends_bare_value(s_[i_])) v.text += s_[i_++];
            return true;
        }
        v.quoted = true;
        for (i_++; !at_end(); i_++) {
            char c = s_[i_];
            if (c == q) {
                i_++;
                return true;
            }
            // \" \' \\ stand for the character; other escapes stay (regex)
            if (c == '\\' && i_ + 1 < s_.size() && (s_[i_ + 1] == q || s_[i_ + 1] == '\\')) c = s_[++i_];
            v.text += c;
        }
        fail(v.offset, "unterminated string");
        return false;
    }

    std::string_view s_;
    size_t i_ = 0;
    ConditionError &error_;
    bool failed_ = false;
};

}  // namespace

bool is_condition_operator(std::string_view op) {
    for (auto o : kOperators)
        if (o == op) return true;
    return false;
}

std::string list_item_value(std::string_view item) {
    ConditionError error;
    std::string value;
    return Parser(item, error).whole_quoted_value(value) ? value : std::string(item);
}

std::unique_ptr<ConditionExpr> parse_condition(std::string_view text, ConditionError &error) {
    return Parser(text, error).parse();
}

}  // namespace crowsnest
