package io.moodlectl.moodle;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the literal assignments of a PHP file such as {@code version.php} without running PHP: {@code $version = 2024100706.00;},
 * {@code $plugin->dependencies = ['mod_x' => ANY_VERSION];}. Values become {@link String}, {@link BigDecimal}, {@link Boolean},
 * {@link Constant} (a bare name such as {@code MATURITY_STABLE}), {@link List} or {@link Map}. Assignments whose value is not a
 * literal (a function call, an expression) are skipped. Comments ({@code //}, {@code #}, {@code /* *}{@code /}) are ignored.
 */
final class PhpLiterals {
    /** A bare PHP name used as a value, e.g. {@code MATURITY_STABLE} or {@code ANY_VERSION}. */
    record Constant(String name) {
    }

    private static final Pattern ASSIGNMENT = Pattern.compile("\\$(\\w+(?:->\\w+)?)\\s*=(?![=>])");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?");
    private static final Pattern NAME = Pattern.compile("\\\\?[A-Za-z_][A-Za-z0-9_]*(?:(?:::|\\\\)[A-Za-z_][A-Za-z0-9_]*)*");

    private PhpLiterals() {
    }

    /** Every literal assignment in {@code source}, keyed by target ({@code version}, {@code plugin->version}); later ones win. */
    static Map<String, Object> assignments(String source) {
        String code = stripComments(source);
        Map<String, Object> result = new LinkedHashMap<>();
        Matcher m = ASSIGNMENT.matcher(code);
        while (m.find()) {
            Parser parser = new Parser(code, m.end());
            try {
                Object value = parser.value();
                parser.skipSpace();
                if (parser.peek() == ';') {
                    result.put(m.group(1), value);
                }
            } catch (IllegalArgumentException notALiteral) {
                // not a literal assignment: skipped
            }
        }
        return result;
    }

    /** The source with comments replaced by spaces, string literals kept intact. */
    static String stripComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (c == '\'' || c == '"') {
                int end = skipString(source, i);
                out.append(source, i, end);
                i = end;
            } else if (c == '#' || (c == '/' && i + 1 < n && source.charAt(i + 1) == '/')) {
                if (c == '#' && i + 1 < n && source.charAt(i + 1) == '[') { // PHP 8 attribute, not a comment
                    out.append(c);
                    i++;
                    continue;
                }
                while (i < n && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                out.append(' ');
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int skipString(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == quote) {
                return i + 1;
            } else {
                i++;
            }
        }
        return s.length();
    }

    /** The value of a single-quoted PHP string body: only {@code \\} and {@code \'} are escapes. */
    static String unescapeSingleQuoted(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length() && (body.charAt(i + 1) == '\\' || body.charAt(i + 1) == '\'')) {
                out.append(body.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The value of a double-quoted PHP string body (common escapes; no variable interpolation). */
    static String unescapeDoubleQuoted(String body) {
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char e = body.charAt(i + 1);
                String replacement = switch (e) {
                    case 'n' -> "\n";
                    case 't' -> "\t";
                    case 'r' -> "\r";
                    case '\\' -> "\\";
                    case '"' -> "\"";
                    case '$' -> "$";
                    default -> null;
                };
                if (replacement != null) {
                    out.append(replacement);
                    i++;
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s, int pos) {
            this.s = s;
            this.pos = pos;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        Object value() {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') {
                int end = skipString(s, pos);
                if (end > s.length() || s.charAt(end - 1) != c || end - pos < 2) {
                    throw new IllegalArgumentException("unterminated string");
                }
                String body = s.substring(pos + 1, end - 1);
                pos = end;
                return c == '\'' ? unescapeSingleQuoted(body) : unescapeDoubleQuoted(body);
            }
            if (c == '[') {
                pos++;
                return array(']');
            }
            if (s.regionMatches(true, pos, "array", 0, 5)) {
                int save = pos;
                pos += 5;
                skipSpace();
                if (peek() == '(') {
                    pos++;
                    return array(')');
                }
                pos = save;
            }
            Matcher number = NUMBER.matcher(s).region(pos, s.length());
            if (number.lookingAt()) {
                pos = number.end();
                return new BigDecimal(number.group());
            }
            Matcher name = NAME.matcher(s).region(pos, s.length());
            if (name.lookingAt()) {
                pos = name.end();
                String word = name.group();
                skipSpace();
                if (peek() == '(') {
                    throw new IllegalArgumentException("function call");
                }
                return switch (word.toLowerCase()) {
                    case "true" -> Boolean.TRUE;
                    case "false" -> Boolean.FALSE;
                    case "null" -> new Constant("null");
                    default -> new Constant(word);
                };
            }
            throw new IllegalArgumentException("not a literal at " + pos);
        }

        private Object array(char close) {
            List<Object[]> entries = new ArrayList<>();
            boolean keyed = false;
            while (true) {
                skipSpace();
                if (peek() == close) {
                    pos++;
                    break;
                }
                Object first = value();
                skipSpace();
                if (s.startsWith("=>", pos)) {
                    pos += 2;
                    Object second = value();
                    entries.add(new Object[] {first, second});
                    keyed = true;
                } else {
                    entries.add(new Object[] {null, first});
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != close) {
                    throw new IllegalArgumentException("bad array");
                }
            }
            if (!keyed) {
                List<Object> list = new ArrayList<>();
                entries.forEach(e -> list.add(e[1]));
                return list;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            int index = 0;
            for (Object[] e : entries) {
                String key = e[0] == null ? String.valueOf(index++) : keyText(e[0]);
                map.put(key, e[1]);
            }
            return map;
        }

        private static String keyText(Object key) {
            if (key instanceof BigDecimal number) {
                return number.toPlainString();
            }
            if (key instanceof Constant constant) {
                return constant.name();
            }
            return String.valueOf(key);
        }
    }
}
