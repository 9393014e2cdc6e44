package br.com.gorgen.backup.documents;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExclusionRulesTest {
    @Test
    void globsOverKeys() {
        ExclusionRules r = ExclusionRules.parse(" cache/** , **/*.tmp,sessions/*, ");
        assertThat(r.patterns()).containsExactly("cache/**", "**/*.tmp", "sessions/*");
        assertThat(r.excludes("cache/thumbs/1.png")).isTrue();
        assertThat(r.excludes("pacientes/12/upload.tmp")).isTrue();
        assertThat(r.excludes("sessions/abc")).isTrue();
        assertThat(r.excludes("sessions/abc/def")).isFalse();
        assertThat(r.excludes("pacientes/12/laudo ção.pdf")).isFalse();
        assertThat(r.excludes("cachet/x.pdf")).isFalse();
    }

    @Test
    void noPatternsExcludeNothingAndABadPatternIsRefused() {
        assertThat(ExclusionRules.parse("").excludes("anything")).isFalse();
        assertThat(ExclusionRules.parse(null).excludes("anything")).isFalse();
        assertThatThrownBy(() -> ExclusionRules.parse("cache/{a,b")).hasMessageContaining("not a valid glob");
    }
}
