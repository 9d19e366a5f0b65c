package io.moodlectl.moodle;

import io.moodlectl.error.MoodlectlException;

import java.util.Arrays;

/** A release's maturity, as {@code version.php} declares it ({@code MATURITY_STABLE} = 200). */
public enum Maturity {
    ALPHA(50),
    BETA(100),
    RC(150),
    STABLE(200);

    private final int code;

    Maturity(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** True for anything but STABLE: {@code upgrade.php} then needs {@code --allow-unstable}. */
    public boolean needsAllowUnstable() {
        return this != STABLE;
    }

    public static Maturity fromCode(int code) {
        return Arrays.stream(values()).filter(m -> m.code == code).findFirst()
                .orElseThrow(() -> MoodlectlException.invalid("unknown maturity code " + code,
                        "Moodle knows 50 (ALPHA), 100 (BETA), 150 (RC) and 200 (STABLE)"));
    }

    /** From the PHP constant name ({@code MATURITY_STABLE}) or the bare word ({@code stable}). */
    public static Maturity fromName(String name) {
        String word = name.trim().toUpperCase().replaceFirst("^MATURITY_", "");
        try {
            return valueOf(word);
        } catch (IllegalArgumentException e) {
            throw MoodlectlException.invalid("unknown maturity '" + name + "'",
                    "use MATURITY_ALPHA, MATURITY_BETA, MATURITY_RC or MATURITY_STABLE");
        }
    }

    static Maturity fromPhp(Object value) {
        if (value instanceof PhpLiterals.Constant constant) {
            return fromName(constant.name());
        }
        if (value instanceof java.math.BigDecimal number) {
            return fromCode(number.intValueExact());
        }
        if (value instanceof String text) {
            return text.trim().matches("\\d+") ? fromCode(Integer.parseInt(text.trim())) : fromName(text);
        }
        throw MoodlectlException.invalid("unreadable maturity " + value, null);
    }
}
