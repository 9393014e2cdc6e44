package br.com.gorgen.backup.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupApiParsingTest {
    @Test
    void acceptsOnlyAJsonObjectNamingATriggerableType() throws Exception {
        assertThat(BackupApi.parseTriggerType("{\"type\":\"full\"}")).isEqualTo("full");
        assertThat(BackupApi.parseTriggerType(" {\"type\":\"full\"} ")).isEqualTo("full");
        // strict: an unknown field, a field twice, trailing data are refused, not ignored
        for (String bad : new String[] {null, "", "{", "[]", "\"full\"", "{}", "{\"type\":1}", "{\"type\":\"all\"}",
                "{\"type\":\"full\",\"note\":\"x\"}", "{\"type\":\"full\",\"type\":\"incremental\"}",
                "{\"type\":\"full\"} {}"}) {
            assertThatThrownBy(() -> BackupApi.parseTriggerType(bad)).as(String.valueOf(bad))
                    .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void limitsAreWholeNumbersFromOneToAThousand() throws Exception {
        assertThat(BackupApi.parseLimit(null, 50)).isEqualTo(50);
        assertThat(BackupApi.parseLimit(" 7 ", 50)).isEqualTo(7);
        for (String bad : new String[] {"0", "1001", "-1", "abc", "1.5"}) {
            assertThatThrownBy(() -> BackupApi.parseLimit(bad, 50)).isInstanceOf(ApiException.class);
        }
    }
}
