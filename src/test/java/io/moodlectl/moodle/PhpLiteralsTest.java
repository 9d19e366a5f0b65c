package io.moodlectl.moodle;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PhpLiteralsTest {

    @Test
    void keepsCommentMarkersInsideStrings() {
        Map<String, Object> values = PhpLiterals.assignments("<?php $a = 'http://x/#y'; // gone\n$b = \"/* not a comment */\";");
        assertThat(values).containsEntry("a", "http://x/#y").containsEntry("b", "/* not a comment */");
    }

    @Test
    void unescapesSingleQuotedStrings() {
        Map<String, Object> values = PhpLiterals.assignments("<?php $a = 'it\\'s \\\\ here \\n';");
        assertThat(values).containsEntry("a", "it's \\ here \\n");
    }

    @Test
    void skipsNonLiteralAssignments() {
        Map<String, Object> values = PhpLiterals.assignments("<?php $a = get_config('x'); $b = 5; $c = $b + 1;");
        assertThat(values).containsOnlyKeys("b");
        assertThat(values.get("b")).isEqualTo(new BigDecimal("5"));
    }

    @Test
    void readsNestedArrays() {
        Map<String, Object> values = PhpLiterals.assignments("<?php $x = ['a' => [1, 2], 'b' => array('c' => true)];");
        assertThat(values.get("x")).isEqualTo(Map.of("a", List.of(new BigDecimal("1"), new BigDecimal("2")),
                "b", Map.of("c", true)));
    }
}
